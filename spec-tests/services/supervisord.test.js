// A real supervisord (Debian's `supervisor`): client.multicall reads its unwrapped multicall
// shape, and `xmlrpc multicall`, `describe` and `codegen` work against it, over its Unix socket
// and over TCP with Basic auth. Skipped without supervisord, unless XMLRPC_TS_SERVICES=required.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Fault, HttpError } from 'xmlrpc-ts';
import { xmlrpc, xmlrpcJson } from '../cli/support.js';
import { startSupervisord, SUPERVISOR_AUTH, unavailable } from './support.js';

const skip = unavailable('supervisord', 'supervisor');

describe('a real supervisord', { skip }, () => {
  let dir;
  let daemon;
  let unixUrl;
  const user = `${SUPERVISOR_AUTH.username}:${SUPERVISOR_AUTH.password}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-supervisord-'));
    daemon = await startSupervisord(dir);
    unixUrl = `unix://${daemon.socket}`;
  });

  after(async () => {
    await daemon?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  describe('client.multicall', () => {
    it('reads the unwrapped values and the fault structs, each in its slot', async () => {
      const client = new Client(unixUrl);
      try {
        const results = await client.multicall([
          { methodName: 'supervisor.getState' },
          { methodName: 'supervisor.startProcess', params: ['no-such-program'] },
          { methodName: 'supervisor.getProcessInfo', params: ['web'] },
          { methodName: 'system.methodSignature', params: ['supervisor.startProcess'] },
        ]);
        assert.deepEqual(results[0], { statecode: 1, statename: 'RUNNING' });
        assert.ok(results[1] instanceof Fault);
        assert.equal(results[1].faultCode, 10);
        assert.equal(results[1].faultString, 'BAD_NAME: no-such-program');
        assert.equal(results[2].name, 'web');
        assert.equal(results[2].statename, 'RUNNING');
        assert.deepEqual(results[3], ['boolean', 'string', 'boolean']);
      } finally {
        await client.close();
      }
    });

    it('a restart in one request returns every result, in order, a fault in its slot', async () => {
      const client = new Client(daemon.url, { auth: SUPERVISOR_AUTH });
      try {
        const results = await client.multicall([
          { methodName: 'supervisor.startProcess', params: ['worker'] },
          { methodName: 'supervisor.stopProcess', params: ['worker'] },
          { methodName: 'supervisor.startProcess', params: ['worker'] },
          { methodName: 'supervisor.startProcess', params: ['worker'] },
        ]);
        assert.deepEqual(results.slice(0, 3), [true, true, true]);
        assert.ok(results[3] instanceof Fault, 'the fourth start finds it running');
        assert.equal(results[3].faultCode, 60);
        assert.match(results[3].faultString, /^ALREADY_STARTED/);
        assert.equal((await client.call('supervisor.getProcessInfo', ['worker'])).statename, 'RUNNING');
      } finally {
        await client.close();
      }
    });

    it('an ambiguous batch (every result a one-element array) reads right once the client has seen the shape, or with resultShape', async () => {
      // getAllProcessInfo's signature is ['array']: alone, it looks like a conforming slot.
      const calls = [{ methodName: 'system.methodSignature', params: ['supervisor.getAllProcessInfo'] }];
      const fresh = new Client(unixUrl);
      try {
        assert.deepEqual(await fresh.multicall(calls, { resultShape: 'unwrapped' }), [['array']]);
        assert.deepEqual(await fresh.multicall(calls), ['array'], 'a fresh client cannot tell: the documented limit');
        await fresh.multicall([{ methodName: 'supervisor.getState' }, ...calls]);
        assert.deepEqual(await fresh.multicall(calls), [['array']], 'learnt from the batch before');
      } finally {
        await fresh.close();
      }
    });

    it('a wrong password is an HttpError 401, not a fault', async () => {
      const client = new Client(daemon.url, { auth: { username: 'admin', password: 'wrong' } });
      try {
        await assert.rejects(client.multicall([{ methodName: 'supervisor.getState' }]), (error) => error instanceof HttpError && error.status === 401);
      } finally {
        await client.close();
      }
    });
  });

  describe('the CLI', () => {
    it('xmlrpc multicall prints each slot; the fault on stderr, exit 1', async () => {
      const input = JSON.stringify([
        { methodName: 'supervisor.getState' },
        { methodName: 'supervisor.startProcess', params: ['no-such-program'] },
        { methodName: 'supervisor.getAPIVersion' },
      ]);
      const r = await xmlrpc(['multicall', daemon.url, '-u', user], { input });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '[0] {\n      statecode: 1\n      statename: "RUNNING"\n    }\n[2] "3.0"\n');
      assert.equal(r.stderr, '[1] Fault 10: BAD_NAME: no-such-program\nxmlrpc multicall: 1 of 3 calls faulted\n');
    });

    it('xmlrpc multicall --json over the Unix socket', async () => {
      const input = JSON.stringify([{ methodName: 'supervisor.getState' }, { methodName: 'supervisor.stopProcess', params: ['nope'] }]);
      const { code, json } = await xmlrpcJson(['multicall', unixUrl, '--json'], { input });
      assert.equal(code, 1);
      assert.deepEqual(json, [
        { value: { statecode: 1, statename: 'RUNNING' } },
        { fault: { faultCode: 10, faultString: 'BAD_NAME: nope' } },
      ]);
    });

    it('xmlrpc describe reads the flat signature as one signature, and prints the help', async () => {
      const r = await xmlrpc(['describe', unixUrl, 'supervisor.startProcess']);
      assert.equal(r.code, 0, r.stderr);
      const [first, blank, help] = r.stdout.split('\n');
      assert.equal(first, 'supervisor.startProcess(string, boolean) -> boolean');
      assert.equal(blank, '');
      assert.equal(help, '  Start a process');
      const { json } = await xmlrpcJson(['describe', daemon.url, '-u', user, 'supervisor.getAllProcessInfo', '--json']);
      assert.deepEqual(json.signatures, [['array']]);
      assert.match(json.help, /^\s*Get info about all processes/);
    });

    it('xmlrpc describe of an unknown method prints the fault (the server has introspection)', async () => {
      const r = await xmlrpc(['describe', unixUrl, 'supervisor.noSuchMethod']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Fault \d+: [A-Z_]+/, 'supervisord\'s own fault, as it sent it');
      assert.doesNotMatch(r.stderr, /no introspection/);
    });

    it('xmlrpc codegen types every method from the flat signatures (a contract, and --interface)', async () => {
      const r = await xmlrpc(['codegen', unixUrl, '--name', 'Supervisor']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^export const Supervisor = defineContract\(\{$/m);
      assert.match(r.stdout, /^ {2}"supervisor\.startProcess": \{\n {4}params: \[rpc\.string, rpc\.boolean\],\n {4}result: rpc\.boolean,$/m);
      assert.match(r.stdout, /^ {2}"supervisor\.getState": \{\n {4}params: \[\],\n {4}result: rpc\.anyStruct,$/m);
      const bare = await xmlrpc(['codegen', unixUrl, '--name', 'Supervisor', '--interface']);
      assert.equal(bare.code, 0, bare.stderr);
      assert.match(bare.stdout, /^export interface Supervisor \{$/m);
      assert.match(bare.stdout, /^ {4}startProcess\(arg1: string, arg2: boolean\): boolean;$/m);
      assert.match(bare.stdout, /^ {4}getAllProcessInfo\(\): XmlRpcValue\[\];$/m);
      assert.match(bare.stdout, /^ {4}getState\(\): XmlRpcStruct;$/m);
      assert.doesNotMatch(bare.stdout, /\.\.\.params/, 'every method has its signature');
    });
  });
});
