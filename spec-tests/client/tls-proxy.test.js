// HTTPS with TLS options (self-signed certificates made by openssl for this file), HTTP proxies
// (explicit and from the environment) and Unix domain sockets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, NetworkError, decodeCall } from 'xmlrpc-ts';
import { answer, rpc, selfSignedCertificate, startProxy, startServer } from './support.js';

let dir;
let serverCert; // for localhost and 127.0.0.1
let otherCert; // only for xmlrpc.test
let clientCert;
let https1;
let https2;
let mtls;
let plain;

const methods = { add: (a, b) => a + b };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-tls-'));
  serverCert = selfSignedCertificate(dir, 'localhost', ['localhost', 'IP:127.0.0.1']);
  otherCert = selfSignedCertificate(dir, 'xmlrpc.test', ['xmlrpc.test']);
  clientCert = selfSignedCertificate(dir, 'client', ['client.test']);
  https1 = await startServer(rpc(methods), { tls: serverCert });
  https2 = await startServer(rpc(methods), { tls: otherCert });
  mtls = await startServer((req, res) => {
    answer(res, req.socket.getPeerCertificate().subject?.CN ?? '');
  }, { tls: { ...serverCert, requestCert: true, rejectUnauthorized: true, ca: clientCert.cert } });
  plain = await startServer(rpc(methods));
});

after(async () => {
  await Promise.all([https1, https2, mtls, plain].filter(Boolean).map((s) => s.close()));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function using(client, fn) {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe('HTTPS and TLS options', () => {
  test('a self-signed certificate is refused by default: NetworkError with the TLS cause', async () => {
    await using(new Client(https1.url()), async (c) => {
      await assert.rejects(c.call('add', [1, 2]), (e) => {
        assert.ok(e instanceof NetworkError);
        assert.equal(e.cause.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
        return true;
      });
    });
  });
  test('tls.ca trusts it', async () => {
    await using(new Client(https1.url(), { tls: { ca: serverCert.cert } }), async (c) => {
      assert.equal(await c.call('add', [1, 2]), 3);
    });
  });
  test('tls.rejectUnauthorized: false skips verification', async () => {
    await using(new Client(https1.url(), { tls: { rejectUnauthorized: false } }), async (c) => {
      assert.equal(await c.call('add', [2, 2]), 4);
    });
  });
  test('tls.servername checks the certificate against another name than the URL host', async () => {
    await using(new Client(https2.url(), { tls: { ca: otherCert.cert } }), async (c) => {
      await assert.rejects(c.call('add', [1, 2]), (e) => e instanceof NetworkError && e.cause.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
    });
    await using(new Client(https2.url(), { tls: { ca: otherCert.cert, servername: 'xmlrpc.test' } }), async (c) => {
      assert.equal(await c.call('add', [3, 3]), 6);
    });
  });
  test('tls.cert and tls.key present a client certificate', async () => {
    await using(new Client(mtls.url(), { tls: { ca: serverCert.cert, cert: clientCert.cert, key: clientCert.key } }), async (c) => {
      assert.equal(await c.call('whoami'), 'client');
    });
    await using(new Client(mtls.url(), { tls: { ca: serverCert.cert } }), async (c) => {
      await assert.rejects(c.call('whoami'), NetworkError);
    });
  });
});

describe('cookies over HTTPS', () => {
  test('Secure cookies are kept and sent back over https', async () => {
    const server = await startServer((req, res, body) => {
      const login = decodeCall(body).methodName === 'login';
      answer(res, req.headers.cookie ?? '', login ? { 'set-cookie': ['token=t1; Secure; HttpOnly; Path=/', 'plain=p'] } : {});
    }, { tls: serverCert });
    try {
      await using(new Client(server.url(), { cookies: true, tls: { ca: serverCert.cert } }), async (c) => {
        assert.equal(await c.call('login'), '');
        assert.equal(await c.call('whoami'), 'token=t1; plain=p');
      });
    } finally {
      await server.close();
    }
  });
});

describe('HTTP proxies', () => {
  let proxy;
  let authProxy;
  const proxyAuth = 'Basic ' + Buffer.from('pu:pp').toString('base64');
  before(async () => {
    proxy = await startProxy();
    authProxy = await startProxy({ requireAuth: proxyAuth });
  });
  after(async () => {
    await proxy?.close();
    await authProxy?.close();
  });

  test('httpProxy as a URL string tunnels with CONNECT', async () => {
    const seen = proxy.seen.length;
    await using(new Client(plain.url(), { httpProxy: proxy.url }), async (c) => {
      assert.equal(await c.call('add', [1, 2]), 3);
    });
    assert.deepEqual(proxy.seen.slice(seen).map((s) => [s.kind, s.target]), [['connect', `127.0.0.1:${plain.port}`]]);
  });
  test('tunnel: false sends plain http requests in absolute form through the proxy', async () => {
    const seen = proxy.seen.length;
    await using(new Client(plain.url(), { httpProxy: { url: proxy.url, tunnel: false } }), async (c) => {
      assert.equal(await c.call('add', [2, 3]), 5);
      assert.equal(await c.call('add', [3, 3]), 6);
    });
    const forwarded = proxy.seen.slice(seen);
    assert.deepEqual(forwarded.map((s) => [s.kind, s.target]), [
      ['forward', `http://127.0.0.1:${plain.port}/RPC2`],
      ['forward', `http://127.0.0.1:${plain.port}/RPC2`],
    ]);
    assert.equal(plain.requests.at(-1).headers['content-type'], 'text/xml');
  });
  test('HTTPS goes through the tunnel with the TLS options of the target', async () => {
    const seen = proxy.seen.length;
    await using(new Client(https1.url(), { httpProxy: proxy.url, tls: { ca: serverCert.cert } }), async (c) => {
      assert.equal(await c.call('add', [4, 4]), 8);
    });
    assert.deepEqual(proxy.seen.slice(seen).map((s) => s.kind), ['connect']);
  });
  test('proxy credentials in the proxy URL or as a token become Proxy-Authorization', async () => {
    const withUrl = new Client(plain.url(), { httpProxy: authProxy.url.replace('http://', 'http://pu:pp@') });
    const withToken = new Client(plain.url(), { httpProxy: { url: authProxy.url, token: proxyAuth, headers: { 'x-proxy-note': 'hi' } } });
    try {
      assert.equal(await withUrl.call('add', [1, 1]), 2);
      assert.equal(await withToken.call('add', [1, 2]), 3);
      const last = authProxy.seen.at(-1);
      assert.equal(last.kind, 'connect');
      assert.equal(last.headers['proxy-authorization'], proxyAuth);
      assert.equal(last.headers['x-proxy-note'], 'hi');
    } finally {
      await Promise.all([withUrl.close(), withToken.close()]);
    }
  });
  test('a proxy refusing the credentials (407) is a NetworkError naming the status, in both modes', async () => {
    await using(new Client(plain.url(), { httpProxy: { url: authProxy.url, tunnel: false } }), async (c) => {
      await assert.rejects(c.call('add', [1, 1]), (e) => e instanceof NetworkError && /407/.test(e.message));
    });
    await using(new Client(plain.url(), { httpProxy: authProxy.url }), async (c) => {
      await assert.rejects(c.call('add', [1, 1]), (e) => e instanceof NetworkError && /407/.test(e.message));
    });
  });

  test('an https: proxy is reached over TLS with httpProxy.tls, apart from the target\'s tls', async () => {
    // The proxy's certificate is for 127.0.0.1; https2's only for xmlrpc.test.
    const tlsProxy = await startProxy({ tls: serverCert });
    try {
      const proxyTls = { ca: serverCert.cert };
      await using(new Client(plain.url(), { httpProxy: { url: tlsProxy.url, tls: proxyTls } }), async (c) => {
        assert.equal(await c.call('add', [2, 5]), 7);
      });
      // undici sends absolute-form requests only to an http: proxy: through an https: one it tunnels.
      await using(new Client(plain.url(), { httpProxy: { url: tlsProxy.url, tls: proxyTls, tunnel: false } }), async (c) => {
        assert.equal(await c.call('add', [3, 5]), 8);
      });
      await using(new Client(https2.url(), {
        httpProxy: { url: tlsProxy.url, tls: proxyTls },
        tls: { ca: otherCert.cert, servername: 'xmlrpc.test' },
      }), async (c) => {
        assert.equal(await c.call('add', [4, 5]), 9);
      });
      assert.deepEqual(tlsProxy.seen.map((s) => [s.kind, s.target]), [
        ['connect', `127.0.0.1:${plain.port}`],
        ['connect', `127.0.0.1:${plain.port}`],
        ['connect', `127.0.0.1:${https2.port}`],
      ]);
      // Without httpProxy.tls the proxy's self-signed certificate is refused.
      await using(new Client(plain.url(), { httpProxy: tlsProxy.url, tls: proxyTls }), async (c) => {
        await assert.rejects(c.call('add', [1, 1]), (e) => e instanceof NetworkError && e.cause?.code === 'DEPTH_ZERO_SELF_SIGNED_CERT');
      });
      assert.equal(tlsProxy.seen.length, 3);
    } finally {
      await tlsProxy.close();
    }
  });

  describe('proxyFromEnv', () => {
    const saved = {};
    const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
    before(() => {
      for (const n of names) {
        saved[n] = process.env[n];
        delete process.env[n];
      }
    });
    after(() => {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    });

    test('HTTP_PROXY is used when proxyFromEnv is set, and only then', async () => {
      process.env.HTTP_PROXY = proxy.url;
      const seen = proxy.seen.length;
      await using(new Client(plain.url()), async (c) => {
        assert.equal(await c.call('add', [1, 1]), 2);
      });
      assert.equal(proxy.seen.length, seen);
      await using(new Client(plain.url(), { proxyFromEnv: true }), async (c) => {
        assert.equal(await c.call('add', [1, 2]), 3);
      });
      assert.deepEqual(proxy.seen.slice(seen).map((s) => s.target), [`127.0.0.1:${plain.port}`]);
    });
    test('NO_PROXY bypasses the proxy for the hosts it lists', async () => {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = '127.0.0.1';
      const seen = proxy.seen.length;
      await using(new Client(plain.url(), { proxyFromEnv: true }), async (c) => {
        assert.equal(await c.call('add', [2, 2]), 4);
      });
      assert.equal(proxy.seen.length, seen);
      delete process.env.NO_PROXY;
    });
    test('HTTPS_PROXY is used for https URLs', async () => {
      process.env.HTTPS_PROXY = proxy.url;
      const seen = proxy.seen.length;
      await using(new Client(https1.url(), { proxyFromEnv: true, tls: { ca: serverCert.cert } }), async (c) => {
        assert.equal(await c.call('add', [5, 5]), 10);
      });
      assert.deepEqual(proxy.seen.slice(seen).map((s) => s.target), [`127.0.0.1:${https1.port}`]);
    });
  });
});

describe('Unix domain sockets', () => {
  let unix;
  let socketPath;
  before(async () => {
    socketPath = join(dir, 'rpc.sock');
    unix = await startServer(rpc({ ...methods, host: function () { return 'unused'; } }), { listen: { path: socketPath } });
  });
  after(() => unix?.close());

  test('an http+unix:// URL carries the percent-encoded socket path', async () => {
    await using(new Client(`http+unix://${encodeURIComponent(socketPath)}/RPC2`), async (c) => {
      assert.equal(await c.call('add', [1, 2]), 3);
    });
    assert.equal(unix.requests.at(-1).url, '/RPC2');
    assert.equal(unix.requests.at(-1).headers.host, 'localhost');
  });
  test('http+unix:// without a path posts to /RPC2; unix:// (supervisord) too', async () => {
    await using(new Client(`http+unix://${encodeURIComponent(socketPath)}`), async (c) => {
      await c.call('add', [1, 1]);
    });
    assert.equal(unix.requests.at(-1).url, '/RPC2');
    await using(new Client(`unix://${socketPath}`), async (c) => {
      await c.call('add', [1, 1]);
    });
    assert.equal(unix.requests.at(-1).url, '/RPC2');
  });
  test('the socketPath option keeps the URL\'s host and path', async () => {
    await using(new Client('http://rpc.internal/api', { socketPath }), async (c) => {
      assert.equal(await c.call('add', [3, 4]), 7);
    });
    assert.equal(unix.requests.at(-1).url, '/api');
    assert.equal(unix.requests.at(-1).headers.host, 'rpc.internal');
  });
  describe('with proxies', () => {
    let proxy;
    const saved = {};
    const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
    before(async () => {
      proxy = await startProxy();
      for (const n of names) {
        saved[n] = process.env[n];
        delete process.env[n];
      }
      process.env.HTTP_PROXY = proxy.url;
      process.env.HTTPS_PROXY = proxy.url;
    });
    after(async () => {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      await proxy?.close();
    });

    test('proxyFromEnv never sends a Unix socket call to HTTP_PROXY', async () => {
      await using(new Client(`http+unix://${encodeURIComponent(socketPath)}/RPC2`, { proxyFromEnv: true }), async (c) => {
        assert.equal(await c.call('add', [5, 6]), 11);
      });
      await using(new Client('http://rpc.internal/api', { socketPath, proxyFromEnv: true }), async (c) => {
        assert.equal(await c.call('add', [6, 6]), 12);
      });
      assert.equal(unix.requests.at(-1).url, '/api');
      assert.deepEqual(proxy.seen, []);
    });
    test('an explicit httpProxy with a Unix socket is an OptionError at construction', () => {
      const refused = (e) => e.name === 'OptionError' && /httpProxy option cannot be combined with a Unix socket/.test(e.message);
      assert.throws(() => new Client(`http+unix://${encodeURIComponent(socketPath)}/RPC2`, { httpProxy: proxy.url }), refused);
      assert.throws(() => new Client(`unix://${socketPath}`, { httpProxy: { url: proxy.url } }), refused);
      assert.throws(() => new Client('http://rpc.internal/api', { socketPath, httpProxy: proxy.url }), refused);
      assert.deepEqual(proxy.seen, []);
    });
  });
  test('a missing socket is a NetworkError', async () => {
    await using(new Client(`http+unix://${encodeURIComponent(join(dir, 'missing.sock'))}/RPC2`), async (c) => {
      await assert.rejects(c.call('add', [1, 1]), (e) => e instanceof NetworkError && e.cause.code === 'ENOENT');
    });
  });
});
