// The connection options of the client commands, against our own server in this process:
// headers, basic auth, gzip, timeout, Unix socket, HTTP proxy, TLS; and exit code 4 for a
// response that cannot be decoded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuth, createServer, currentCall } from 'xmlrpc-ts';
import { FIXTURES, xmlrpc, xmlrpcJson } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-'));
const toClose = [];

function listening(server, ...args) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...args, () => resolve(server.address()));
  });
}

function addMethods(server) {
  server.addMethod('add', (a, b) => a + b);
  server.addMethod('headers', () => ({ ...currentCall().headers }));
  server.addMethod('whoami', () => String(currentCall().user));
  // Answers only when the client goes away (or the server closes).
  server.addMethod('never', () => new Promise((resolve) => currentCall().signal.addEventListener('abort', () => resolve(0))));
}

let plain;
let plainUrl;

before(async () => {
  plain = createServer({ closeTimeoutMs: 200 });
  addMethods(plain);
  const address = await plain.listen(0, '127.0.0.1');
  plainUrl = `http://127.0.0.1:${address.port}/RPC2`;
  toClose.push(() => plain.close());
});

after(async () => {
  for (const close of toClose.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--header and --user', () => {
  it('sends the headers given', async () => {
    const { code, json } = await xmlrpcJson(['call', plainUrl, 'headers', '--json', '-H', 'X-Api-Key: k1', '--header', 'X-Other:  two ']);
    assert.equal(code, 0);
    assert.equal(json['x-api-key'], 'k1');
    assert.equal(json['x-other'], 'two');
    assert.match(json['user-agent'], /^xmlrpc-ts\//);
  });

  it('a malformed header is a usage error', async () => {
    const r = await xmlrpc(['call', plainUrl, 'headers', '-H', 'no colon here']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--header takes 'Name: value'/);
  });

  it('--user authenticates with basic auth; a wrong password is exit 3; --trace hides the credentials', async () => {
    const secured = createServer({ authenticate: basicAuth({ alice: 's3cret' }) });
    addMethods(secured);
    const { port } = await secured.listen(0, '127.0.0.1');
    toClose.push(() => secured.close());
    const url = `http://127.0.0.1:${port}/RPC2`;
    const ok = await xmlrpc(['call', url, 'whoami', '--user', 'alice:s3cret', '--trace']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, '"alice"\n');
    assert.match(ok.stderr, /^> authorization: Basic \*\*\*$/m);
    assert.doesNotMatch(ok.stderr, new RegExp(Buffer.from('alice:s3cret').toString('base64')));
    const denied = await xmlrpc(['call', url, 'whoami', '-u', 'alice:wrong']);
    assert.equal(denied.code, 3);
    assert.match(denied.stderr, /401/);
  });
});

describe('--gzip', () => {
  it('compresses the request body; the server inflates it', async () => {
    const r = await xmlrpc(['call', plainUrl, 'add', '20', '22', '--gzip', '--trace']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '42\n');
    assert.match(r.stderr, /^> content-encoding: gzip$/m);
    assert.match(r.stderr, /^> \(gzip: \d+ bytes on the wire, \d+ inflated\)$/m);
  });
});

describe('--timeout', () => {
  it('gives up after the time given, exit 3', async () => {
    const started = Date.now();
    const r = await xmlrpc(['call', plainUrl, 'never', '--timeout', '300ms']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /timeout after 300 ms/);
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('--unix-socket', () => {
  it('connects through a Unix domain socket', async () => {
    const server = createServer();
    addMethods(server);
    const socketPath = join(dir, 'xmlrpc.sock');
    const httpServer = http.createServer(server.handler);
    await listening(httpServer, socketPath);
    toClose.push(() => new Promise((resolve) => httpServer.close(resolve)));
    const r = await xmlrpc(['call', '--unix-socket', socketPath, 'http://localhost/RPC2', 'add', '1', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '3\n');
  });
});

describe('--proxy', () => {
  it('tunnels the call through an HTTP proxy', async () => {
    const tunnels = [];
    const proxy = http.createServer((req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url);
      const [host, port] = req.url.split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const { port } = await listening(proxy, 0, '127.0.0.1');
    toClose.push(() => new Promise((resolve) => {
      proxy.closeAllConnections();
      proxy.close(resolve);
    }));
    const r = await xmlrpc(['call', plainUrl, 'add', '2', '3', '--proxy', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '5\n');
    assert.deepEqual(tunnels, [new URL(plainUrl).host]);
  });
});

describe('TLS: --insecure and --ca', () => {
  let url;
  before(async () => {
    const tls = createServer({ tls: { key: readFileSync(FIXTURES + 'tls-key.pem'), cert: readFileSync(FIXTURES + 'tls-cert.pem') } });
    addMethods(tls);
    const { port } = await tls.listen(0, '127.0.0.1');
    toClose.push(() => tls.close());
    url = `https://127.0.0.1:${port}/RPC2`;
  });

  it('refuses a certificate it cannot verify, exit 3', async () => {
    const r = await xmlrpc(['call', url, 'add', '1', '1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /certificate/i);
  });

  it('--insecure skips the check', async () => {
    const r = await xmlrpc(['call', url, 'add', '1', '1', '--insecure']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2\n');
  });

  it('--ca trusts the given certificate', async () => {
    const r = await xmlrpc(['call', url, 'add', '2', '2', '--ca', FIXTURES + 'tls-cert.pem']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '4\n');
  });

  it('--ca with a missing file is a usage error', async () => {
    const r = await xmlrpc(['call', url, 'add', '2', '2', '--ca', join(dir, 'missing.pem')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read --ca file .*no such file/);
  });
});

describe('a response that cannot be decoded', () => {
  let url;
  before(async () => {
    const body = '<?xml version="1.0"?><methodResponse><params><param><value><int>12abc</int></value></param></params></methodResponse>';
    const broken = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(body));
    });
    const { port } = await listening(broken, 0, '127.0.0.1');
    toClose.push(() => new Promise((resolve) => {
      broken.closeAllConnections();
      broken.close(resolve);
    }));
    url = `http://127.0.0.1:${port}/RPC2`;
  });

  it('is exit 4, saying what and where', async () => {
    const r = await xmlrpc(['call', url, 'anything']);
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /could not decode the response \(value\):.*12abc.*params\[0\]/);
  });

  it('--xml still prints what arrived', async () => {
    const r = await xmlrpc(['call', url, 'anything', '--xml']);
    assert.equal(r.code, 4);
    assert.match(r.stdout, /<int>12abc<\/int>/);
  });
});

describe('servers without system.multicall', () => {
  it('multicall and describe fall back to one call each', async () => {
    const bare = createServer({ system: { multicall: false } });
    addMethods(bare);
    bare.addMethod('sub', (a, b) => a - b, { signature: ['int', 'int', 'int'], help: 'Subtracts.' });
    const { port } = await bare.listen(0, '127.0.0.1');
    toClose.push(() => bare.close());
    const url = `http://127.0.0.1:${port}/RPC2`;
    const r = await xmlrpc(['multicall', url, '--trace'], { input: '[{"methodName": "add", "params": [1, 2]}, {"methodName": "sub", "params": [5, 3]}]' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[0] 3\n[1] 2\n');
    const methods = [...r.stderr.matchAll(/<methodCall><methodName>([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(methods, ['system.multicall', 'add', 'sub']);
    const d = await xmlrpc(['describe', url, 'sub']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'sub(int, int) -> int\n\n  Subtracts.\n');
  });

  it('serve reports a port in use as exit 3', async () => {
    const r = await xmlrpc(['serve', 'fixtures/cli/calc-module.js', '--port', String(new URL(plainUrl).port), '--host', '127.0.0.1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /EADDRINUSE/);
  });
});
