// The cross-site policy (lib/server/policy.ts) on plain header values, as both server faces use it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, checkCrossSite, createCrossSitePolicy, isLoopbackAddress } from 'xmlrpc-ts';

const DEFAULT = createCrossSitePolicy();
const base = { method: 'POST', host: '127.0.0.1:8080', origin: undefined, secFetchSite: undefined, listeningOnLoopback: true };
const verdict = (over, policy = DEFAULT) => checkCrossSite({ ...base, ...over }, policy);

describe('programs (no Origin, no Sec-Fetch-*) pass unchanged', () => {
  test('a POST with only a Host passes with no extra headers', () => {
    assert.deepEqual(verdict({}), { action: 'pass', headers: {} });
  });
  test('no Host at all (HTTP/1.0) passes', () => {
    assert.equal(verdict({ host: undefined }).action, 'pass');
  });
  test('a public host name passes on a server not reached on loopback', () => {
    assert.equal(verdict({ host: 'rpc.example.com', listeningOnLoopback: false }).action, 'pass');
  });
});

describe('a browser request from another origin is refused with 403 unless allowedOrigins admits it', () => {
  test('Origin that does not match Host', () => {
    const v = verdict({ origin: 'https://evil.example' });
    assert.equal(v.action, 'refuse');
    assert.equal(v.status, 403);
    assert.match(v.reason, /evil\.example.*allowedOrigins/);
  });
  test('Sec-Fetch-Site: cross-site without Origin', () => {
    assert.equal(verdict({ secFetchSite: 'cross-site' }).action, 'refuse');
  });
  test('Origin: null (sandboxed page, file:) is cross-site', () => {
    assert.equal(verdict({ origin: 'null' }).action, 'refuse');
  });
  test('same origin passes (Origin matches Host, port included)', () => {
    assert.equal(verdict({ origin: 'http://127.0.0.1:8080', secFetchSite: 'same-origin' }).action, 'pass');
  });
  test('same host on another port is cross-origin', () => {
    assert.equal(verdict({ origin: 'http://127.0.0.1:9999' }).action, 'refuse');
  });
  test('default ports: Origin without a port matches Host name:80 over http', () => {
    assert.equal(verdict({ host: 'rpc.example:80', origin: 'http://rpc.example', listeningOnLoopback: false }).action, 'pass');
    assert.equal(verdict({ host: 'rpc.example:80', origin: 'https://rpc.example', listeningOnLoopback: false }).action, 'refuse');
  });
  test('an allowed origin passes with CORS headers (credentials for a listed origin)', () => {
    const policy = createCrossSitePolicy({ allowedOrigins: ['https://App.Example/'] });
    const v = verdict({ origin: 'https://app.example', secFetchSite: 'cross-site' }, policy);
    assert.equal(v.action, 'pass');
    assert.deepEqual(v.headers, {
      'Access-Control-Allow-Origin': 'https://app.example',
      Vary: 'Origin',
      'Access-Control-Allow-Credentials': 'true',
    });
    assert.equal(verdict({ origin: 'https://other.example' }, policy).action, 'refuse');
  });
  test("allowedOrigins '*' admits any origin, without credentials", () => {
    const v = verdict({ origin: 'https://any.example' }, createCrossSitePolicy({ allowedOrigins: '*' }));
    assert.equal(v.action, 'pass');
    assert.equal(v.headers['Access-Control-Allow-Credentials'], undefined);
  });
  test('a top-level navigation (GET, Sec-Fetch-Mode: navigate) passes; a cross-site fetch GET does not', () => {
    assert.equal(verdict({ method: 'GET', secFetchSite: 'cross-site', secFetchMode: 'navigate' }).action, 'pass');
    assert.equal(verdict({ method: 'GET', secFetchSite: 'cross-site', secFetchMode: 'cors', origin: 'https://evil.example' }).action, 'refuse');
  });
  test('the quoted origin in a refusal is a short excerpt', () => {
    const v = verdict({ origin: `https://${'a'.repeat(10_000)}.example` });
    assert.ok(v.reason.length < 300, v.reason.length);
  });
});

describe('a server reached on loopback answers only loopback host names (DNS rebinding)', () => {
  for (const host of ['127.0.0.1', '127.0.0.1:8080', 'localhost:8080', 'LOCALHOST', 'app.localhost', '[::1]:8080', '127.1.2.3']) {
    test(`${host} passes`, () => assert.equal(verdict({ host }).action, 'pass'));
  }
  for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example', '127.0.0.1:', 'localhost:1234567', '127.0.0.1:80x', '[::1', 'a b']) {
    test(`${host} is refused`, () => {
      const v = verdict({ host });
      assert.equal(v.action, 'refuse');
      assert.equal(v.status, 403);
    });
  }
  test('allowedHosts admits a name (any port) or a name:port', () => {
    const policy = createCrossSitePolicy({ allowedHosts: ['my-box.lan', 'other.lan:81'] });
    assert.equal(verdict({ host: 'my-box.lan:8080' }, policy).action, 'pass');
    assert.equal(verdict({ host: 'other.lan:81' }, policy).action, 'pass');
    assert.equal(verdict({ host: 'other.lan:82' }, policy).action, 'refuse');
  });
  test("allowedHosts '*' turns the check off", () => {
    assert.equal(verdict({ host: 'evil.example' }, createCrossSitePolicy({ allowedHosts: '*' })).action, 'pass');
  });
});

describe('CORS preflights (OPTIONS) are answered for allowed origins', () => {
  const policy = createCrossSitePolicy({ allowedOrigins: ['http://localhost:5173'] });
  const preflight = { method: 'OPTIONS', origin: 'http://localhost:5173', accessControlRequestMethod: 'POST' };
  test('an allowed origin gets 204 with the CORS headers, requested headers echoed as tokens only', () => {
    const v = verdict({ ...preflight, accessControlRequestHeaders: 'content-type, authorization, bad header\r\nx: y' }, policy);
    assert.equal(v.action, 'preflight');
    assert.equal(v.status, 204);
    assert.equal(v.headers['Access-Control-Allow-Origin'], 'http://localhost:5173');
    assert.equal(v.headers['Access-Control-Allow-Methods'], 'POST');
    assert.equal(v.headers['Access-Control-Allow-Headers'], 'content-type, authorization');
    assert.ok(Number(v.headers['Access-Control-Max-Age']) > 0);
  });
  test('another origin is refused', () => {
    assert.equal(verdict({ ...preflight, origin: 'https://evil.example' }, policy).action, 'refuse');
  });
  test('an OPTIONS that is not a preflight passes to the face (which says 405)', () => {
    assert.equal(verdict({ method: 'OPTIONS' }, policy).action, 'pass');
  });
});

describe('the options are checked once, with OptionError', () => {
  test('a misspelt name suggests the right one', () => {
    assert.throws(() => createCrossSitePolicy({ allowedOrigin: [] }), (e) => e instanceof OptionError && /allowedOrigins/.test(e.message));
  });
  test('an origin with a path is refused, naming its index', () => {
    assert.throws(() => createCrossSitePolicy({ allowedOrigins: ['https://a.example/app'] }), (e) => e instanceof OptionError && e.option === 'allowedOrigins[0]');
  });
  test('a host that is not name[:port] is refused', () => {
    assert.throws(() => createCrossSitePolicy({ allowedHosts: ['a.example/x'] }), OptionError);
  });
});

test('isLoopbackAddress knows 127.0.0.0/8, ::1 and IPv4-mapped loopback', () => {
  for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['10.0.0.1', '::', '0.0.0.0', '::ffff:10.0.0.1', undefined]) assert.equal(isLoopbackAddress(a), false, String(a));
});
