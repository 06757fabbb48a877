// implement(contract, handlers): params checked and converted to the declared types, results
// encoded as declared, a result that breaks the contract answered -32603 and reported.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XmlRpcDispatcher, decodeResponse, docsPageInfo, encodeCall, renderDocsPage, asI8, Fault } from 'xmlrpc-ts';
import { defineContract, describeImplementedMethod, implementedMethod, rpc } from 'xmlrpc-ts/contract';
import { handlers, shop } from './support.js';

function dispatcher(overrides = {}) {
  const errors = [];
  const d = new XmlRpcDispatcher({ onError: (error) => errors.push(error) });
  d.implement(shop, { ...handlers, ...overrides });
  return { d, errors };
}

async function fault(d, method, params) {
  try {
    decodeResponse(await d.dispatch(encodeCall(method, params)));
  } catch (error) {
    if (error instanceof Fault) return error;
    throw error;
  }
  assert.fail(`${method} answered without a fault`);
}

describe('params are converted to the declared types', () => {
  test('an <int> for an i8 param arrives as a bigint (Python cannot send <i8>)', async () => {
    const seen = [];
    const { d } = dispatcher({ twice: (x) => (seen.push(typeof x), x * 2n) });
    const xml = await d.dispatch(encodeCall('twice', [5]));
    assert.deepEqual(seen, ['bigint']);
    assert.match(xml, /<i8>10<\/i8>/);
  });

  test('an <int> 2 and a <double> 2.0 for a double param both arrive as the number 2', async () => {
    const seen = [];
    const { d } = dispatcher({ echoDouble: (x) => (seen.push(x), x) });
    await d.dispatch('<methodCall><methodName>echoDouble</methodName><params><param><value><int>2</int></value></param></params></methodCall>');
    await d.dispatch('<methodCall><methodName>echoDouble</methodName><params><param><value><double>2.0</double></value></param></params></methodCall>');
    assert.deepEqual(seen, [2, 2]);
  });

  test('struct members are checked deep; the fault names the member and the expected type', async () => {
    const { d } = dispatcher();
    const f = await fault(d, 'users.add', [{ name: 'ann', age: 'old' }]);
    assert.equal(f.faultCode, -32602);
    assert.equal(f.faultString, "param 1 (params[0].age) of 'users.add' must be int, got string");
    const missing = await fault(d, 'users.add', [{ age: 3 }]);
    assert.match(missing.faultString, /params\[0\]\.name.*member 'name' \(string\), got no such member/);
  });

  test('a wrong count is -32602 naming the count', async () => {
    const { d } = dispatcher();
    const f = await fault(d, 'calc.add', [1]);
    assert.equal(f.faultCode, -32602);
    assert.match(f.faultString, /'calc\.add' takes 2 params, got 1/);
  });

  test('overloads: the first signature the params fit is used, for the params and the result', async () => {
    const { d } = dispatcher();
    assert.match(await d.dispatch(encodeCall('math.abs', [-2])), /<int>2<\/int>/);
    assert.match(await d.dispatch(encodeCall('math.abs', [-2.5])), /<double>2\.5<\/double>/);
  });
});

describe('results are encoded as declared', () => {
  test('a double result 6 is written <double>, not <int>', async () => {
    const { d } = dispatcher();
    const xml = await d.dispatch(encodeCall('calc.scale', [3, 2]));
    assert.match(xml, /<double>6(\.0)?<\/double>/);
    assert.doesNotMatch(xml, /<int>/);
  });

  test('an i8 result is written <i8>, deep inside structs and arrays too', async () => {
    const deep = defineContract({
      list: { params: [], result: rpc.arrayOf(rpc.struct({ n: rpc.i8, x: rpc.double })) },
    });
    const d = new XmlRpcDispatcher();
    d.implement(deep, { list: () => [{ n: 1, x: 2 }, { n: 3n, x: 0.5 }] });
    const xml = await d.dispatch(encodeCall('list', []));
    assert.equal((xml.match(/<i8>/g) ?? []).length, 2);
    assert.equal((xml.match(/<double>/g) ?? []).length, 2);
    assert.deepEqual(decodeResponse(xml), [{ n: 1n, x: 2 }, { n: 3n, x: 0.5 }]);
  });

  test('a result that breaks the contract is -32603, reported to onError, never sent as is', async () => {
    const { d, errors } = dispatcher({ 'users.get': async (id) => ({ id, name: 7, tags: [] }) });
    const f = await fault(d, 'users.get', [1]);
    assert.equal(f.faultCode, -32603);
    assert.match(f.faultString, /the result of 'users\.get' breaks the contract at result\.name: expected string, got int/);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].cause.code, 'ERR_XMLRPC_CONTRACT');
    assert.equal(errors[0].cause.path, 'result.name');
  });

  test('inside system.multicall each slot is encoded as declared and checked', async () => {
    const { d } = dispatcher({ 'users.get': () => ({ id: 'x' }) });
    const xml = await d.dispatch(encodeCall('system.multicall', [[
      { methodName: 'calc.scale', params: [3, 2] },
      { methodName: 'users.get', params: [1] },
    ]]));
    const [[scaled], broken] = decodeResponse(xml);
    assert.equal(scaled, 6);
    assert.match(xml, /<double>6(\.0)?<\/double>/);
    assert.equal(broken.faultCode, -32603);
  });
});

describe('introspection answers from the contract', () => {
  test('methodSignature and methodHelp; overloads listed; system.* needs no handler', async () => {
    const { d } = dispatcher();
    const sig = (name) => d.dispatch(encodeCall('system.methodSignature', [name])).then(decodeResponse);
    assert.deepEqual(await sig('math.abs'), [['int', 'int'], ['double', 'double']]);
    assert.deepEqual(await sig('users.get'), [['struct', 'int']]);
    assert.equal(decodeResponse(await d.dispatch(encodeCall('system.methodHelp', ['calc.add']))), 'Adds two ints.');
    // The contract lists system.listMethods; the dispatcher's own method answers it.
    assert.ok(decodeResponse(await d.dispatch(encodeCall('system.listMethods', []))).includes('users.get'));
  });

  test('a docs page can show the declared types, struct members included', () => {
    const { d } = dispatcher();
    assert.deepEqual(describeImplementedMethod('users.get', implementedMethod(d, 'users.get')), [
      'users.get(int) → struct {id: int, name: string, email?: string, tags: array of string}',
    ]);
    assert.deepEqual(describeImplementedMethod('math.abs', implementedMethod(d, 'math.abs')), ['math.abs(int) → int', 'math.abs(double) → double']);
    assert.equal(implementedMethod(d, 'system.listMethods'), undefined);
  });

  test('the documentation page shows the contract\'s types, struct members included', async () => {
    const { d } = dispatcher();
    const html = await renderDocsPage(docsPageInfo(d));
    assert.ok(html.includes('users.get(int) → struct {id: int, name: string, email?: string, tags: array of string}'), html.slice(0, 2000));
    assert.ok(html.includes('math.abs(double) → double'));
  });
});

describe('implement refuses what does not match the contract', () => {
  test('a missing handler, or one the contract does not list, is a TypeError naming it', () => {
    const d = new XmlRpcDispatcher();
    const { twice, ...rest } = handlers;
    assert.throws(() => d.implement(shop, rest), { name: 'TypeError', message: /no handler for 'twice'/ });
    assert.throws(() => d.implement(shop, { ...handlers, 'calc.ad': () => 1 }), { name: 'TypeError', message: /no method 'calc\.ad'/ });
    assert.throws(() => d.implement(shop, { ...handlers, 'system.listMethods': () => [] }), { name: 'TypeError', message: /'system\.listMethods' is answered by the dispatcher's own/ });
    assert.equal(d.hasMethod('calc.add'), false, 'nothing registered when implement refuses');
    assert.ok(twice);
  });

  test('defineContract refuses a param that is not a type', () => {
    assert.throws(() => defineContract({ f: { params: ['int'], result: rpc.int } }), { name: 'TypeError', message: /params\[0\] of 'f' is not a type/ });
  });

  test('an <i8> param arrives as a bigint as well', async () => {
    const { d } = dispatcher({ twice: () => 4n });
    assert.match(await d.dispatch(encodeCall('twice', [asI8(2)])), /<i8>4<\/i8>/);
  });
});
