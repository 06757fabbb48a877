// A real aria2 (Debian's `aria2`) with --enable-rpc on loopback and a secret token: calls with
// the token, its conforming system.multicall (each entry with its own token), downloads only
// from a server on 127.0.0.1 that this test runs, and `describe` against a server without
// introspection. Skipped without aria2c, unless XMLRPC_TS_SERVICES=required.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Fault } from 'xmlrpc-ts';
import { xmlrpc, xmlrpcJson } from '../cli/support.js';
import { ARIA2_SECRET, startAria2, unavailable } from './support.js';

const skip = unavailable('aria2c', 'aria2');
const token = `token:${ARIA2_SECRET}`;
const FILE_BODY = Buffer.from('served to aria2 from 127.0.0.1\n'.repeat(100));

describe('a real aria2', { skip }, () => {
  let dir;
  let daemon;
  let files;
  let client;
  /** The paths aria2 asked the file server for, and a waiter for the next one. */
  const asked = [];
  let onAsk = () => {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-aria2-'));
    daemon = await startAria2(dir);
    client = new Client(daemon.url);
    // The only server aria2 downloads from: /whole.txt is served whole, /stalled.bin never ends.
    files = http.createServer((req, res) => {
      asked.push(req.url);
      onAsk(req.url);
      if (req.url === '/whole.txt') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': FILE_BODY.length });
        res.end(FILE_BODY);
      } else {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1 << 20 });
        res.write(Buffer.alloc(1024));
      }
    });
    files.listen({ host: '127.0.0.1', port: 0 });
    await once(files, 'listening');
  });

  after(async () => {
    await client?.close();
    await daemon?.stop();
    files?.closeAllConnections();
    files?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const fileUrl = (path) => `http://127.0.0.1:${files.address().port}${path}`;
  const nextAsk = () => new Promise((resolve) => {
    onAsk = resolve;
  });

  /** tellStatus until `done(status)`, bounded in probes and time. */
  async function statusUntil(gid, done) {
    let status;
    for (let probe = 0, deadline = Date.now() + 10_000; probe < 200 && Date.now() < deadline; probe++) {
      status = await client.call('aria2.tellStatus', [token, gid, ['status', 'completedLength', 'totalLength']]);
      if (done(status)) return status;
      await delay(50);
    }
    assert.fail(`download ${gid} did not get there; last status ${JSON.stringify(status)}`);
  }

  it('answers getVersion with the token, Fault 1 Unauthorized without it', async () => {
    const version = await client.call('aria2.getVersion', [token]);
    assert.match(version.version, /^\d+\.\d+\.\d+$/);
    assert.ok(version.enabledFeatures.includes('XML-RPC'));
    await assert.rejects(client.call('aria2.getVersion', ['token:wrong']), (error) => {
      assert.ok(error instanceof Fault);
      assert.equal(error.faultCode, 1);
      assert.equal(error.faultString, 'Unauthorized');
      return true;
    });
  });

  it('downloads a file served on 127.0.0.1 (addUri, tellStatus)', async () => {
    const ask = nextAsk();
    const gid = await client.call('aria2.addUri', [token, [fileUrl('/whole.txt')], { out: 'whole.txt' }]);
    assert.match(gid, /^[0-9a-f]{16}$/);
    assert.equal(await ask, '/whole.txt');
    const status = await statusUntil(gid, (s) => s.status === 'complete');
    assert.equal(status.completedLength, String(FILE_BODY.length));
    assert.deepEqual(readFileSync(join(dir, 'whole.txt')), FILE_BODY);
  });

  it('its multicall is the conforming shape: an array result keeps its own wrapping', async () => {
    const ask = nextAsk();
    const gid = await client.call('aria2.addUri', [token, [fileUrl('/stalled.bin')], { out: 'stalled.bin' }]);
    await ask;
    try {
      const [uris, status, version] = await client.multicall([
        { methodName: 'aria2.getUris', params: [token, gid] },
        { methodName: 'aria2.tellStatus', params: [token, gid, ['gid', 'totalLength']] },
        { methodName: 'aria2.getVersion', params: ['token:wrong'] },
      ]);
      // getUris answers a one-element array: [[{…}]] on the wire, unwrapped once.
      assert.deepEqual(uris, [{ status: 'used', uri: fileUrl('/stalled.bin') }]);
      assert.deepEqual(status, { gid, totalLength: String(1 << 20) });
      assert.ok(version instanceof Fault);
      assert.equal(version.faultString, 'Unauthorized');
    } finally {
      assert.equal(await client.call('aria2.forceRemove', [token, gid]), gid);
    }
  });

  it('xmlrpc multicall with a token in each entry', async () => {
    const input = JSON.stringify([
      { methodName: 'aria2.getGlobalStat', params: [token] },
      { methodName: 'aria2.getGlobalStat', params: ['token:wrong'] },
    ]);
    const { code, json, stderr } = await xmlrpcJson(['multicall', daemon.url, '--json'], { input });
    assert.equal(code, 1);
    assert.equal(typeof json[0].value.numActive, 'string');
    assert.deepEqual(json[1], { fault: { faultCode: 1, faultString: 'Unauthorized' } });
    assert.equal(stderr, '[1] Fault 1: Unauthorized\nxmlrpc multicall: 1 of 2 calls faulted\n');
  });

  it('xmlrpc list works without the token; describe says the server offers no introspection', async () => {
    const list = await xmlrpc(['list', daemon.url]);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.split('\n').includes('aria2.addUri'));
    const r = await xmlrpc(['describe', daemon.url, 'aria2.addUri']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'xmlrpc describe: the server offers no introspection: system.listMethods does not list ' +
        'system.methodSignature or system.methodHelp (system.methodHelp answered Fault 1: Unauthorized)\n',
    );
  });
});
