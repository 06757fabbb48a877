// The contract the contract tests share, and a server implementing it on 127.0.0.1.
import { XmlRpcServer } from 'xmlrpc-ts';
import { defineContract, rpc } from 'xmlrpc-ts/contract';

export const shop = defineContract({
  'calc.add': { params: [rpc.int, rpc.int], result: rpc.int, help: 'Adds two ints.' },
  'calc.scale': { params: [rpc.double, rpc.double], result: rpc.double, help: 'Multiplies.' },
  twice: { params: [rpc.i8], result: rpc.i8 },
  echoDouble: { params: [rpc.double], result: rpc.double },
  'users.get': {
    params: [rpc.int],
    result: rpc.struct({ id: rpc.int, name: rpc.string, email: rpc.optional(rpc.string), tags: rpc.arrayOf(rpc.string) }),
  },
  'users.add': { params: [rpc.struct({ name: rpc.string, age: rpc.optional(rpc.int) })], result: rpc.int },
  'math.abs': { overloads: [{ params: [rpc.int], result: rpc.int }, { params: [rpc.double], result: rpc.double }], help: 'Absolute value.' },
  stamp: { params: [rpc.dateTime, rpc.base64, rpc.nil], result: rpc.arrayOf(rpc.any) },
  'system.listMethods': { params: [], result: rpc.arrayOf(rpc.string) },
});

export const handlers = {
  'calc.add': (a, b) => a + b,
  'calc.scale': (a, b) => a * b,
  twice: (x) => x * 2n,
  echoDouble: (x) => x,
  'users.get': (id) => ({ id, name: `user ${id}`, tags: ['a'] }),
  'users.add': (user) => user.name.length + (user.age ?? 0),
  'math.abs': (x) => Math.abs(x),
  stamp: (when, bytes, nothing) => [when, bytes, nothing],
};

/** Starts a server implementing `shop` (handlers overridden by `overrides`); resolves { server, url, errors }. */
export async function startShop(overrides = {}, options = {}) {
  const errors = [];
  const server = new XmlRpcServer({ onError: (error) => errors.push(error), ...options });
  server.implement(shop, { ...handlers, ...overrides });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}/RPC2`, errors };
}
