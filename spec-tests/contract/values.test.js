// The type builders' conversions one by one: what each accepts from the decoder, what each
// emits for the encoder, and the path and expectation a breach names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TypedValue, XmlRpcDateTime, asBigDecimal, decodeResponse } from 'xmlrpc-ts';
import { defineContract, rpc, XmlRpcDispatcher, encodeCall } from 'xmlrpc-ts';

/** The result `value` written as `type` and read back, through a dispatcher implementing `f`. */
async function roundTrip(type, value) {
  const d = new XmlRpcDispatcher();
  d.implement(defineContract({ f: { params: [], result: type } }), { f: () => value });
  const xml = await d.dispatch(encodeCall('f', []));
  return { xml, value: decodeResponse(xml) };
}

/** What a handler receives for a param of `type` sent as `value`. */
async function received(type, value) {
  let seen;
  const d = new XmlRpcDispatcher();
  d.implement(defineContract({ f: { params: [type], result: rpc.nil } }), { f: (v) => { seen = v; return null; } });
  const xml = await d.dispatch(typeof value === 'string' && value.startsWith('<') ? `<methodCall><methodName>f</methodName><params><param><value>${value}</value></param></params></methodCall>` : encodeCall('f', [value]));
  assert.doesNotMatch(xml, /<fault>/, xml);
  return seen;
}

describe('scalars', () => {
  test('dateTime: a lossless XmlRpcDateTime becomes a Date; a Date is written as dateTime', async () => {
    const when = await received(rpc.dateTime, '<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>');
    assert.ok(when instanceof Date);
    assert.equal(when.toISOString(), '1998-07-17T14:08:55.000Z');
    const d = new XmlRpcDispatcher({ decode: { dateTime: 'lossless' } });
    let seen;
    d.implement(defineContract({ f: { params: [rpc.dateTime], result: rpc.nil } }), { f: (v) => { seen = v; return null; } });
    await d.dispatch(encodeCall('f', [new XmlRpcDateTime({ year: 2000, month: 1, day: 2, hour: 3, minute: 4, second: 5, fraction: '', offsetMinutes: null })]));
    assert.ok(seen instanceof Date);
  });

  test('double: an ex:bigdecimal param arrives as a number; a whole number is written <double>', async () => {
    assert.equal(await received(rpc.double, asBigDecimal('2.50')), 2.5);
    assert.match((await roundTrip(rpc.double, 3)).xml, /<double>3(\.0)?<\/double>/);
  });

  test('base64 and nil', async () => {
    const bytes = await received(rpc.base64, new Uint8Array([1, 2]));
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual([...bytes], [1, 2]);
    assert.equal(await received(rpc.nil, null), null);
    assert.match((await roundTrip(rpc.nil, undefined)).xml, /<nil\/>/);
  });

  test('i8 refuses what is not a whole number; int refuses what is outside 32 bits', async () => {
    const errors = [];
    const e = new XmlRpcDispatcher({ onError: (error) => errors.push(error) });
    e.implement(defineContract({ i: { params: [], result: rpc.int }, big: { params: [], result: rpc.i8 } }), { i: () => 2 ** 31, big: () => 1.5 });
    assert.match(await e.dispatch(encodeCall('i', [])), /-32603.*expected int/s);
    assert.match(await e.dispatch(encodeCall('big', [])), /-32603.*expected i8/s);
    assert.equal(errors.length, 2);
  });
});

describe('structs', () => {
  const user = rpc.struct({ name: rpc.string, score: rpc.double, note: rpc.optional(rpc.string), toString: rpc.optional(rpc.int) });

  test('an optional member set to undefined is left out; undeclared members are kept', async () => {
    const { value } = await roundTrip(user, { name: 'a', score: 1, note: undefined, extra: true });
    assert.deepEqual(value, { name: 'a', score: 1, extra: true });
  });

  test('the value a handler returns is not changed by the conversion', async () => {
    const mine = { name: 'a', score: 2 };
    const { xml } = await roundTrip(user, mine);
    assert.match(xml, /<double>2(\.0)?<\/double>/);
    assert.deepEqual(mine, { name: 'a', score: 2 });
    assert.ok(!(mine.score instanceof TypedValue));
  });

  test('a member named like an Object.prototype property is read only when it is the struct\'s own', async () => {
    // toString is optional: the inherited function must not be taken for it.
    assert.deepEqual((await roundTrip(user, { name: 'a', score: 1.5 })).value, { name: 'a', score: 1.5 });
    const odd = rpc.struct({ ['__proto__']: rpc.int });
    const got = await received(odd, '<struct><member><name>__proto__</name><value><int>5</int></value></member></struct>');
    assert.equal(Object.getPrototypeOf(got) === Object.prototype || Object.getPrototypeOf(got) === null, true);
    assert.equal(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, 5);
  });

  test('rest params: any number after the declared ones, each of the rest type', async () => {
    const d = new XmlRpcDispatcher();
    d.implement(defineContract({ sum: { params: [rpc.string], rest: rpc.i8, result: rpc.i8 } }), { sum: (_label, ...ns) => ns.reduce((a, b) => a + b, 0n) });
    assert.match(await d.dispatch(encodeCall('sum', ['x', 1, 2, 3])), /<i8>6<\/i8>/);
    assert.match(await d.dispatch(encodeCall('sum', [])), /takes 1 or more params, got 0/);
    assert.match(await d.dispatch(encodeCall('sum', ['x', 1, 'two'])), /param 3 \(params\[2\]\) of 'sum' must be i8, got string/);
  });
});
