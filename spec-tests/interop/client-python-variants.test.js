// Our client against Python servers that need a transport feature: basic auth, gzip both ways,
// ISO-8859-1 responses, several paths, cookies and a Unix domain socket. One Python process
// (fixtures/python/py_server_variants.py) runs them all, each on its own port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, DecodeError, Fault, HttpError } from 'xmlrpc-ts';
import { startPython } from './client-support.js';

let python;
let ports;
let dir;
const clients = [];

/** A client closed after the file's tests. */
function open(url, options) {
  const c = new Client(url, options);
  clients.push(c);
  return c;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-'));
  python = await startPython('py_server_variants.py', ['--unix', join(dir, 'supervisor.sock')]);
  ports = JSON.parse(python.rest);
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await python?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('basic auth', () => {
  test('without credentials the 401 is an HttpError with the challenge header', async () => {
    const c = open(`http://127.0.0.1:${ports.auth}/RPC2`);
    await assert.rejects(c.call('add', [1, 2]), (e) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 401);
      assert.equal(e.headers['www-authenticate'], 'Basic realm="xmlrpc"');
      assert.match(e.message, /authentication/);
      assert.match(e.message, /401 Unauthorized/);
      return true;
    });
  });
  test('credentials in the URL are percent-decoded and sent', async () => {
    const c = open(`http://user:p%40ss%3Aw%2Frd@127.0.0.1:${ports.auth}/RPC2`);
    assert.equal(await c.call('add', [1, 2]), 3);
    assert.doesNotMatch(c.url, /p%40ss|user:/);
  });
  test('credentials from the auth option are sent', async () => {
    const c = open(`http://127.0.0.1:${ports.auth}/RPC2`, { auth: { username: 'user', password: 'p@ss:w/rd' } });
    assert.equal(await c.call('add', [2, 2]), 4);
  });
  test('a wrong password is a 401 HttpError', async () => {
    const c = open(`http://user:wrong@127.0.0.1:${ports.auth}/RPC2`);
    await assert.rejects(c.call('add', [1, 2]), { name: 'HttpError', status: 401 });
  });
});

describe('gzip', () => {
  test('every response gzipped by Python is inflated, small or large', async () => {
    const c = open(`http://127.0.0.1:${ports.gzip}/RPC2`);
    assert.equal(await c.call('add', [1, 2]), 3);
    assert.equal((await c.call('text_of_length', [300_000])).length, 300_000);
  });
  test('gzipped requests above the threshold are inflated by Python', async () => {
    const c = open(`http://127.0.0.1:${ports.gzip}/RPC2`, { gzipRequestThresholdBytes: 1024 });
    const big = 'ab'.repeat(50_000);
    assert.equal(await c.call('echo', [big]), big);
    assert.equal(await c.call('echo', ['small']), 'small');
  });
  test('an inflated response beyond maxResponseBytes is a limit DecodeError (no gzip bomb)', async () => {
    const c = open(`http://127.0.0.1:${ports.gzip}/RPC2`, { maxResponseBytes: 100_000 });
    // 2 MB of 'x' compresses to a few KB: the compressed size passes, the inflated size must not.
    await assert.rejects(c.call('text_of_length', [2_000_000]), (e) => {
      assert.ok(e instanceof DecodeError);
      assert.equal(e.reason, 'limit');
      assert.match(e.message, /maxResponseBytes/);
      return true;
    });
    assert.equal(await c.call('add', [1, 2]), 3);
  });
});

describe('ISO-8859-1 responses (encoding="iso-8859-1" on the Python server)', () => {
  test('Latin-1 characters and character references decode right', async () => {
    const c = open(`http://127.0.0.1:${ports.latin1}/RPC2`);
    const text = 'déjà vu ÿ ½ £ - ✓ 😀';
    assert.equal(await c.call('echo', [text]), text);
    assert.deepEqual(await c.call('describe', ['é']), ['str', "'é'"]);
  });
});

describe('MultiPathXMLRPCServer', () => {
  test('each path has its own methods', async () => {
    const math = open(`http://127.0.0.1:${ports.multipath}/math`);
    const text = open(`http://127.0.0.1:${ports.multipath}/text`);
    assert.equal(await math.call('mul', [6, 7]), 42);
    assert.equal(await text.call('upper', ['abc']), 'ABC');
    await assert.rejects(text.call('mul', [6, 7]), (e) => e instanceof Fault && /"mul" is not supported/.test(e.faultString));
  });
  test('multicall falls back to single calls where system.multicall is missing', async () => {
    const math = open(`http://127.0.0.1:${ports.multipath}/math`);
    const calls = [{ methodName: 'add', params: [1, 2] }, { methodName: 'mul', params: [3, 4] }, { methodName: 'div', params: [1, 1] }];
    const results = await math.multicall(calls);
    assert.equal(results[0], 3);
    assert.equal(results[1], 12);
    assert.ok(results[2] instanceof Fault);
    assert.match(results[2].faultString, /"div" is not supported/);
    // The second batch goes straight to single calls, and gives the same answers.
    assert.deepEqual((await math.multicall(calls)).slice(0, 2), [3, 12]);
  });
  test('multicall uses system.multicall where it exists', async () => {
    const text = open(`http://127.0.0.1:${ports.multipath}/text`);
    assert.deepEqual(await text.multicall([{ methodName: 'upper', params: ['a'] }, { methodName: 'upper', params: ['b'] }]), ['A', 'B']);
  });
  test('multicall fallback can be switched off', async () => {
    const math = open(`http://127.0.0.1:${ports.multipath}/math`, { multicallFallback: false });
    await assert.rejects(math.multicall([{ methodName: 'add', params: [1, 2] }]), (e) => e instanceof Fault && /system\.multicall/.test(e.faultString));
  });
  test('an unknown path is HttpError 404', async () => {
    const c = open(`http://127.0.0.1:${ports.multipath}/nope`);
    await assert.rejects(c.call('add', [1, 2]), { name: 'HttpError', status: 404 });
  });
});

describe('cookies', () => {
  test('with cookies enabled, the cookie the server set is sent back', async () => {
    const c = open(`http://127.0.0.1:${ports.cookie}/RPC2`, { cookies: true });
    assert.equal(await c.call('whoami'), '');
    assert.equal(await c.call('whoami'), 'session=s3cr3t');
    assert.equal(await c.call('whoami'), 'session=s3cr3t');
  });
  test('by default no cookie is kept', async () => {
    const c = open(`http://127.0.0.1:${ports.cookie}/RPC2`);
    await c.call('whoami');
    assert.equal(await c.call('whoami'), '');
  });
});

describe('Unix domain socket (a supervisord stand-in)', () => {
  test('an http+unix:// URL with the percent-encoded socket path', async () => {
    const c = open(`http+unix://${encodeURIComponent(ports.unix)}/RPC2`);
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    assert.equal(await c.call('supervisor.getPID'), python.pid);
  });
  test("supervisord's unix:// form posts to /RPC2", async () => {
    const c = open(`unix://${ports.unix}`);
    const api = c.proxy({ prefix: 'supervisor' });
    assert.equal((await api.getState()).statename, 'RUNNING');
  });
  test('the socketPath option with an http URL; multicall works over the socket', async () => {
    const c = open('http://localhost/RPC2', { socketPath: ports.unix });
    const [state, pid] = await c.multicall([{ methodName: 'supervisor.getState' }, { methodName: 'supervisor.getPID' }]);
    assert.equal(state.statecode, 1);
    assert.equal(pid, python.pid);
  });
});
