// Real-service quirks played by Python (fixtures/python/py_server_quirks.py, started once):
// aria2's token parameter, Odoo's endpoints, string dates and string fault codes, rTorrent's <i8>.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Fault } from 'xmlrpc-ts';
import { startPython } from './client-support.js';

let python;
let base;
const clients = [];

function open(path, options) {
  const c = new Client(`${base}${path}`, options);
  clients.push(c);
  return c;
}

before(async () => {
  python = await startPython('py_server_quirks.py');
  base = `http://127.0.0.1:${python.rest}`;
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await python?.stop();
});

describe('aria2: a "token:<secret>" first parameter on every method', () => {
  test('a proxy with leadingParams sends the token before the caller\'s parameters', async () => {
    const aria2 = open('/rpc').proxy({ prefix: 'aria2', leadingParams: ['token:s3cr3t'] });
    const version = await aria2.getVersion();
    assert.equal(version.version, '1.37.0');
    const gid = await aria2.addUri(['http://example.invalid/file.iso'], {});
    assert.match(gid, /^[0-9a-f]{16}$/);
    const status = await aria2.tellStatus(gid);
    assert.equal(status.gid, gid);
    assert.equal(status.files[0].uris[0].uri, 'http://example.invalid/file.iso');
  });
  test('a wrong token is Fault 1 "Unauthorized"', async () => {
    const aria2 = open('/rpc').proxy({ prefix: 'aria2', leadingParams: ['token:wrong'] });
    await assert.rejects(aria2.getVersion(), { name: 'Fault', faultCode: 1, faultString: 'Unauthorized' });
  });
  test('multicall carries the token inside each call', async () => {
    const c = open('/rpc');
    const [v, bad] = await c.multicall([
      { methodName: 'aria2.getVersion', params: ['token:s3cr3t'] },
      { methodName: 'aria2.getVersion', params: ['token:nope'] },
    ]);
    assert.equal(v.version, '1.37.0');
    assert.ok(bad instanceof Fault);
    assert.equal(bad.faultString, 'Unauthorized');
  });
});

describe('Odoo: /xmlrpc/2/common and /xmlrpc/2/object', () => {
  test('log in, then call execute_kw with db, uid and password as leading parameters', async () => {
    const common = open('/xmlrpc/2/common');
    assert.equal((await common.call('version')).server_version, '17.0');
    const uid = await common.call('authenticate', ['demo', 'admin', 'admin', {}]);
    assert.equal(uid, 2);
    assert.equal(await common.call('authenticate', ['demo', 'admin', 'wrong', {}]), false);

    const models = open('/xmlrpc/2/object').proxy({ leadingParams: ['demo', uid, 'admin'] });
    const rows = await models.execute_kw('res.partner', 'search_read', [[]], { fields: ['name', 'create_date'] });
    // Odoo sends dates as plain strings with a space: they stay strings.
    assert.deepEqual(rows, [
      { name: 'Azure Interior', create_date: '2024-01-02 03:04:05' },
      { name: 'Deco Addict', create_date: '2024-02-03 04:05:06' },
    ]);
  });
  test('a Date parameter is written in the compact spec form Odoo\'s strict parser reads', async () => {
    const models = open('/xmlrpc/2/object').proxy({ leadingParams: ['demo', 2, 'admin'] });
    assert.equal(await models.execute_kw('res.partner', 'write', [[1], { date: new Date(Date.UTC(2024, 4, 6, 7, 8, 9)) }]), true);
    await assert.rejects(models.execute_kw('res.partner', 'write', [[1], { date: '2024-05-06 07:08:09' }]), { faultCode: 2 });
  });
  test('access denied is Fault 3 on the current endpoint', async () => {
    const c = open('/xmlrpc/2/object');
    await assert.rejects(c.call('execute_kw', ['demo', 2, 'wrong', 'res.partner', 'search_read', [[]]]), {
      name: 'Fault', faultCode: 3, faultString: 'Access Denied',
    });
  });
  test('the legacy endpoint\'s string fault codes reach the caller as strings', async () => {
    const c = open('/xmlrpc/object');
    await assert.rejects(c.call('execute_kw', ['demo', 2, 'wrong', 'res.partner', 'search_read', [[]]]), (e) => {
      assert.ok(e instanceof Fault);
      assert.equal(e.faultCode, 'AccessDenied');
      assert.equal(e.faultString, 'Access Denied');
      return true;
    });
    await assert.rejects(c.call('execute_kw', ['demo', 2, 'admin', 'no.model', 'read', [[1]]]), {
      faultCode: "warning -- Object no.model doesn't exist",
    });
  });
});

describe('rTorrent: <i8> values as xmlrpc-c writes them', () => {
  test('64-bit sizes decode to exact bigints', async () => {
    const c = open('/RPC2');
    assert.deepEqual(await c.call('d.multicall2', ['', 'main', 'd.name=', 'd.size_bytes=']), [
      ['ubuntu.iso', 5368709120n],
      ['huge.bin', 9223372036854775807n],
    ]);
  });
  test('with decode option i8: "number", sizes within 2^53 are numbers', async () => {
    const c = open('/RPC2', { decode: { i8: 'number' } });
    const [[, size]] = await c.call('d.multicall2', ['', 'main', 'd.name=', 'd.size_bytes=']);
    assert.equal(size, 5368709120);
  });
});
