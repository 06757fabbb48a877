// Our client against our own server: the README's demo path (typed proxy, multicall, faults).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Fault, XmlRpcServer } from 'xmlrpc-ts';

let server;
let client;

before(async () => {
  server = new XmlRpcServer();
  server.addMethods({ add: (a, b) => a + b, div: (a, b) => a / b }, { prefix: 'calc' });
  server.addMethod('echo', (v) => v);
  const address = await server.listen();
  client = new Client(`http://127.0.0.1:${address.port}/RPC2`);
});

after(async () => {
  await client?.close();
  await server?.close();
});

test('the proxy calls dotted methods and system.* on our server', async () => {
  const api = client.proxy();
  assert.equal(await api.calc.add(2, 3), 5);
  assert.equal(await api.calc.div(1, 4), 0.25);
  const names = await api.system.listMethods();
  assert.ok(names.includes('calc.add') && names.includes('system.multicall'));
});

test('values our server echoes come back unchanged, 64-bit integers included', async () => {
  const value = { big: 2n ** 62n, neg: -(2n ** 40n), date: new Date(Date.UTC(2020, 1, 29)), bytes: new Uint8Array([0, 255]), nil: null, list: [1.5, 'x', true] };
  assert.deepEqual(await client.call('echo', [value]), value);
});

test('an unknown method is a Fault; multicall returns values and faults by slot', async () => {
  await assert.rejects(client.call('nope'), (e) => e instanceof Fault && e.faultCode === -32601);
  const [sum, missing] = await client.multicall([{ methodName: 'calc.add', params: [1, 2] }, { methodName: 'nope' }]);
  assert.equal(sum, 3);
  assert.ok(missing instanceof Fault);
  assert.equal(missing.faultCode, -32601);
});
