// What a URL on the command line means: HOST, HOST:PORT and HOST/PATH are xmlrpc-c's shorthand
// for http://…/RPC2, and the short form `xmlrpc HOST METHOD [ARG...]` is a call, while a
// misspelt command stays a usage error. A host without a port would be port 80, which a test
// cannot own: those calls go through --unix-socket to our own server, which records the Host
// header and the path each request came with.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'xmlrpc-ts';
import { normalizeUrl } from '../../dist/cli/commands/common.js';
import { UsageError } from '../../dist/cli/flags.js';
import { xmlrpc } from './support.js';

let dir;
let socket;
let httpServer;
/** { host, path } of each request the server got. */
const seen = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-url-'));
  socket = join(dir, 'rpc.sock');
  const server = createServer({ paths: 'any' });
  server.addMethod('add', (a, b) => a + b);
  httpServer = http.createServer((req, res) => {
    seen.push({ host: req.headers.host, path: req.url });
    server.handler(req, res);
  });
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(socket, resolve);
  });
});

after(async () => {
  await new Promise((resolve) => httpServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI and returns its result with the requests the server saw meanwhile. */
async function run(args) {
  const from = seen.length;
  const result = await xmlrpc(args);
  return { ...result, requests: seen.slice(from) };
}

describe('a URL without a scheme is http://HOST[:PORT]/RPC2', () => {
  it('normalizeUrl spells out the shorthand', () => {
    assert.equal(normalizeUrl('localhost'), 'http://localhost/RPC2');
    assert.equal(normalizeUrl('127.0.0.1'), 'http://127.0.0.1/RPC2');
    assert.equal(normalizeUrl('buildbox'), 'http://buildbox/RPC2');
    assert.equal(normalizeUrl('localhost:8080'), 'http://localhost:8080/RPC2');
    assert.equal(normalizeUrl('[::1]:8080'), 'http://[::1]:8080/RPC2');
    assert.equal(normalizeUrl('example.com/api'), 'http://example.com/api');
    assert.equal(normalizeUrl('https://example.com/xmlrpc'), 'https://example.com/xmlrpc');
    assert.throws(() => normalizeUrl(''), (e) => e instanceof UsageError && /the URL is empty/.test(e.message));
    assert.throws(() => normalizeUrl('/run/app.sock'), (e) => e instanceof UsageError && /is a path, not a server; use --unix-socket/.test(e.message));
  });

  it('call 127.0.0.1 posts to http://127.0.0.1/RPC2 (port 80: Host without a port)', async () => {
    const r = await run(['call', '127.0.0.1', 'add', '1', '2', '--unix-socket', socket, '--trace']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '3\n');
    assert.match(r.stderr, /^> POST http:\/\/127\.0\.0\.1\/RPC2\n/);
    assert.deepEqual(r.requests, [{ host: '127.0.0.1', path: '/RPC2' }]);
  });

  it('call HOST/PATH posts to that path', async () => {
    const r = await run(['call', 'localhost/api/xmlrpc', 'add', '2', '2', '--unix-socket', socket]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '4\n');
    assert.deepEqual(r.requests, [{ host: 'localhost', path: '/api/xmlrpc' }]);
  });
});

describe('the short form xmlrpc HOST METHOD [ARG...]', () => {
  it('a bare host followed by a method name is a call (xmlrpc localhost system.listMethods)', async () => {
    const r = await run(['localhost', 'system.listMethods', '--unix-socket', socket]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[\n {2}"add"\n {2}"system\.getCapabilities"\n/);
    assert.deepEqual(r.requests, [{ host: 'localhost', path: '/RPC2' }]);
  });

  it('options may come first; the method is the first word that is not an option', async () => {
    const r = await run(['buildbox-2', '--unix-socket', socket, '-H', 'X-A: b', 'add', 'i/20', 'i/22', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 42);
    assert.deepEqual(r.requests, [{ host: 'buildbox-2', path: '/RPC2' }]);
  });

  it('HOST:PORT, dotted hosts and URLs need no method name to be taken as the server', async () => {
    const r = await run(['localhost:1', '--unix-socket', socket]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^xmlrpc call: missing METHOD\n/);
  });

  const notCalls = [
    [['localhost'], /^xmlrpc: unknown command "localhost"\n/, /To call a method on the host localhost: xmlrpc call localhost METHOD/],
    [['lsit', 'example.com'], /^xmlrpc: unknown command "lsit" \(did you mean list\?\)\n/, /Commands: call, list/],
    [['multical', 'example.com'], /unknown command "multical" \(did you mean multicall\?\)/, /Commands:/],
    [['srve', 'module.js'], /unknown command "srve" \(did you mean serve\?\)/, /Commands:/],
    [['foo', 'localhost:8080'], /^xmlrpc: unknown command "foo"\n/, /xmlrpc call foo METHOD/],
    [['foo', 'http://example.com/RPC2', 'add'], /^xmlrpc: unknown command "foo"\n/, /Commands:/],
    [['foo', 'not a method'], /^xmlrpc: unknown command "foo"\n/, /Commands:/],
    [['foo', '--nope', 'add'], /^xmlrpc: unknown command "foo"\n/, /Commands:/],
    [['under_score', 'add'], /^xmlrpc: unknown command "under_score"\n/, /Commands:/],
    [['8080', 'system.listMethods'], /^xmlrpc: unknown command "8080"\n/, /To call a server on port 8080 of this machine: xmlrpc localhost:8080 METHOD/],
  ];
  for (const [args, message, detail] of notCalls) {
    it(`${args.join(' ')}: a usage error, no request`, async () => {
      const r = await run([...args, '--unix-socket', socket]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, detail);
      assert.deepEqual(r.requests, []);
    });
  }
});
