// client.proxy(contract): params encoded as declared, results checked and converted, per-call
// options as the last argument; client.multicall(contract, build): a tuple checked per slot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Fault, XmlRpcServer } from 'xmlrpc-ts';
import { callOptions, ContractError, defineContract, rpc } from 'xmlrpc-ts/contract';
import { shop, startShop } from './support.js';

// What the server saw: the raw request bodies.
let bodies = [];
let shopServer;
let client;

before(async () => {
  shopServer = await startShop();
  // users.get as an unchecked method, so that the client's own check is what a breach meets.
  shopServer.server.addMethod('users.get', (id) => (id === 9 ? { id: 9, name: 'nine', tags: ['x', 5] } : { id, name: `user ${id}`, tags: [] }));
  shopServer.server.httpServer.prependListener('request', (request) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => bodies.push(Buffer.concat(chunks).toString('utf8')));
  });
  client = new Client(shopServer.url);
});

after(async () => {
  await client?.close();
  await shopServer?.server.close();
});

describe('params are encoded as declared', () => {
  test('a double param 2 is sent as <double>, an i8 as <i8>', async () => {
    bodies = [];
    const api = client.proxy(shop);
    assert.equal(await api.calc.scale(2, 3), 6);
    assert.equal(await api.twice(21n), 42n);
    assert.match(bodies[0], /<double>2(\.0)?<\/double>/);
    assert.match(bodies[1], /<i8>21<\/i8>/);
  });

  test('a param that breaks the contract is refused before sending, with a ContractError', async () => {
    bodies = [];
    const api = client.proxy(shop);
    await assert.rejects(api.users.add({ name: 'ann', age: 1.5 }), (error) => {
      assert.ok(error instanceof ContractError);
      assert.equal(error.code, 'ERR_XMLRPC_CONTRACT');
      assert.equal(error.path, 'params[0].age');
      assert.equal(error.methodName, 'users.add');
      return true;
    });
    await assert.rejects(api.calc.add(1), { name: 'TypeError', message: /takes 2 params, got 1/ });
    assert.equal(bodies.length, 0);
  });
});

describe('results are checked and converted', () => {
  test('a result that breaks the contract rejects naming the method, the path and the expected type, with the value', async () => {
    const api = client.proxy(shop);
    await assert.rejects(api.users.get(9), (error) => {
      assert.ok(error instanceof ContractError);
      assert.equal(error.side, 'result');
      assert.equal(error.path, 'result.tags[1]');
      assert.equal(error.expected, 'string');
      assert.equal(error.got, 'int');
      assert.deepEqual(error.value, { id: 9, name: 'nine', tags: ['x', 5] });
      assert.match(error.message, /'users\.get' breaks the contract at result\.tags\[1\]: expected string, got int/);
      return true;
    });
  });

  test('an <int> result where i8 is declared arrives as a bigint; optional members may be absent', async () => {
    const server = new XmlRpcServer();
    server.addMethod('big', () => 7);
    server.addMethod('who', () => ({ name: 'x' }));
    const { port } = await server.listen(0, '127.0.0.1');
    const c = new Client(`http://127.0.0.1:${port}/`);
    try {
      const api = c.proxy(defineContract({
        big: { params: [], result: rpc.i8 },
        who: { params: [], result: rpc.struct({ name: rpc.string, email: rpc.optional(rpc.string) }) },
      }));
      assert.equal(await api.big(), 7n);
      assert.deepEqual(await api.who(), { name: 'x' });
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe('per-call options go in as the last argument', () => {
  test('callOptions({ signal }) aborts that call only; the same proxy serves the next call', async () => {
    const api = client.proxy(shop);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(api.calc.add(1, 2, callOptions({ signal: controller.signal })), { code: 'ERR_XMLRPC_ABORTED' });
    assert.equal(await api.calc.add(1, 2), 3);
  });

  test('no name is reserved on the proxy: a remote method named "options" or "with" is an ordinary method', async () => {
    const server = new XmlRpcServer();
    const odd = defineContract({ options: { params: [rpc.int], result: rpc.int }, 'a.with': { params: [], result: rpc.string } });
    server.implement(odd, { options: (n) => n + 1, 'a.with': () => 'w' });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = new Client(`http://127.0.0.1:${port}/`);
    try {
      const api = c.proxy(odd);
      assert.equal(await api.options(1), 2);
      assert.equal(await api.a.with(), 'w');
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe('typed multicall', () => {
  test('slots come back in order, each checked: a value, a Fault, or a ContractError', async () => {
    bodies = [];
    const [sum, user, broken, scaled] = await client.multicall(shop, (m) => [m.calc.add(1, 2), m.users.get(7), m.users.get(9), m.calc.scale(2, 2)]);
    assert.equal(sum, 3);
    assert.deepEqual(user, { id: 7, name: 'user 7', tags: [] });
    assert.ok(broken instanceof ContractError);
    assert.equal(broken.path, 'result.tags[1]');
    assert.equal(scaled, 4);
    assert.equal(bodies.length, 1, 'one request');
    assert.match(bodies[0], /<double>2(\.0)?<\/double>/);
  });

  test('a fault in one slot is that slot\'s Fault', async () => {
    const [ok, failed] = await client.multicall(shop, (m) => [m.calc.add(1, 2), m.users.add({ name: 'a', age: 2 })]);
    assert.equal(ok, 3);
    assert.equal(failed, 3);
    const server = await startShop({ 'calc.add': () => { throw new Fault(7, 'no'); } });
    const c = new Client(server.url);
    try {
      const [f] = await c.multicall(shop, (m) => [m.calc.add(1, 2)]);
      assert.ok(f instanceof Fault);
      assert.equal(f.faultCode, 7);
    } finally {
      await c.close();
      await server.server.close();
    }
  });

  test('falls back to single calls where the server has no system.multicall', async () => {
    const server = await startShop({}, { system: { multicall: false } });
    const c = new Client(server.url);
    try {
      const [sum, scaled] = await c.multicall(shop, (m) => [m.calc.add(2, 2), m.calc.scale(1.5, 2)]);
      assert.equal(sum, 4);
      assert.equal(scaled, 3);
    } finally {
      await c.close();
      await server.server.close();
    }
  });

  test('build must return calls made on its argument', async () => {
    await assert.rejects(client.multicall(shop, () => [1]), { name: 'TypeError', message: /array of calls made on its argument/ });
  });
});
