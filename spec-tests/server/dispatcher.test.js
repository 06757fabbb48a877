// The transport-free dispatcher: registry, faults with interop codes, context, time limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createServer,
  XmlRpcDispatcher,
  Fault,
  FaultCode,
  DecodeError,
  EncodeError,
  TimeoutError,
  currentCall,
  findCurrentCall,
  encodeCall,
  decodeMessage,
  asDouble,
} from 'xmlrpc-ts';
import { deferred } from './support.js';

/** Dispatches a call and returns the decoded message ({kind, value} or {kind, fault}). */
async function run(server, methodName, params = [], context) {
  return decodeMessage(await server.dispatch(encodeCall(methodName, params), context));
}

async function runXml(server, xml) {
  return decodeMessage(await server.dispatch(xml));
}

function assertFault(message, code, pattern) {
  assert.equal(message.kind, 'fault', `expected a fault, got ${JSON.stringify(message)}`);
  assert.equal(message.fault.faultCode, code, message.fault.faultString);
  if (pattern !== undefined) assert.match(message.fault.faultString, pattern);
}

const call = (name, paramsXml = '') => `<?xml version="1.0"?><methodCall><methodName>${name}</methodName><params>${paramsXml}</params></methodCall>`;

describe('methods are called with their params positionally', () => {
  test('a sync handler', async () => {
    const server = createServer();
    server.addMethod('calc.add', (a, b) => a + b);
    assert.deepEqual(await run(server, 'calc.add', [2, 3]), { kind: 'response', value: 5 });
  });

  test('an async handler', async () => {
    const server = createServer();
    server.addMethod('later', async (s) => {
      await Promise.resolve();
      return s.toUpperCase();
    });
    assert.deepEqual(await run(server, 'later', ['abc']), { kind: 'response', value: 'ABC' });
  });

  test('undefined is answered as nil', async () => {
    const server = createServer();
    server.addMethod('noop', () => undefined);
    assert.deepEqual(await run(server, 'noop'), { kind: 'response', value: null });
  });

  test('every value type reaches the handler decoded and goes back encoded', async () => {
    const server = createServer();
    server.addMethod('echo', (...args) => args);
    const date = new Date(Date.UTC(1998, 6, 17, 14, 8, 55));
    const params = ['s', 42, 1.5, true, null, 2n ** 40n, date, new Uint8Array([0, 1, 255]), [1, ['x']], { a: { b: 'c' } }];
    const message = await run(server, 'echo', params);
    assert.equal(message.kind, 'response');
    assert.deepEqual(message.value, params);
  });

  test('the dispatcher works from a string or bytes', async () => {
    const server = createServer();
    server.addMethod('one', () => 1);
    const xml = call('one');
    assert.deepEqual(decodeMessage(await server.dispatch(xml)), { kind: 'response', value: 1 });
    assert.deepEqual(decodeMessage(await server.dispatch(new TextEncoder().encode(xml))), { kind: 'response', value: 1 });
  });

  test('a replaced method answers with the new handler; a removed one is gone', async () => {
    const server = createServer();
    server.addMethod('m', () => 1);
    server.addMethod('m', () => 2);
    assert.deepEqual(await run(server, 'm'), { kind: 'response', value: 2 });
    assert.equal(server.removeMethod('m'), true);
    assert.equal(server.removeMethod('m'), false);
    assertFault(await run(server, 'm'), -32601);
  });

  test('registration refuses bad names, handlers and signatures', () => {
    const server = createServer();
    assert.throws(() => server.addMethod('', () => 1), TypeError);
    assert.throws(() => server.addMethod('x', 'nope'), TypeError);
    assert.throws(() => server.addMethod('x', () => 1, { signature: ['int', 'float'] }), /unknown type "float"/);
    assert.throws(() => server.addMethod('x', () => 1, { signature: [] }), /empty/);
    assert.throws(() => server.addMethod('x', () => 1, { signature: 'int' }), TypeError);
  });

  test('method names that are Object.prototype members are ordinary unknown names', async () => {
    const server = createServer();
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      assertFault(await run(server, name), -32601, new RegExp(name.replace(/_/g, '_')));
    }
  });
});

describe('addMethods exposes an object under a namespace', () => {
  class Base {
    base() {
      return 'base';
    }
  }
  class Calc extends Base {
    constructor() {
      super();
      this.factor = 10;
      this._hidden = () => 'no';
      this.own = () => 'own';
    }
    add(a, b) {
      return a + b;
    }
    times(a) {
      return a * this.factor;
    }
    _private() {
      return 'secret';
    }
    get computed() {
      throw new Error('getters must not be read');
    }
  }

  test('own and prototype methods, bound to the object, under the prefix', async () => {
    const server = createServer();
    server.addMethods(new Calc(), { prefix: 'calc', help: { add: 'Adds.' }, signatures: { add: ['int', 'int', 'int'] } });
    const names = server.listMethods().filter((n) => n.startsWith('calc.'));
    assert.deepEqual(names, ['calc.add', 'calc.base', 'calc.own', 'calc.times']);
    assert.deepEqual(await run(server, 'calc.times', [4]), { kind: 'response', value: 40 });
    assert.deepEqual(await run(server, 'calc.base'), { kind: 'response', value: 'base' });
    assert.equal(server.methodInfo('calc.add').help, 'Adds.');
    assert.deepEqual(server.methodInfo('calc.add').signatures, [['int', 'int', 'int']]);
  });

  test('_private methods, constructor and Object.prototype members are not exposed', async () => {
    const server = createServer();
    server.addMethods(new Calc(), { prefix: 'calc' });
    for (const name of ['calc._private', 'calc._hidden', 'calc.constructor', 'calc.toString', 'calc.hasOwnProperty', 'calc.computed', 'calc.factor']) {
      assertFault(await run(server, name), -32601);
    }
  });

  test('a plain object without prefix', async () => {
    const server = new XmlRpcDispatcher({ system: false });
    server.addMethods({ ping: () => 'pong', value: 3 });
    assert.deepEqual(server.listMethods(), ['ping']);
  });
});

describe('faults use the interoperability codes', () => {
  const server = createServer();
  server.addMethod('one', () => 1);
  server.addMethod('typed', (a, b) => `${a}${b}`, { signature: [['string', 'int', 'string'], ['string', 'string']] });

  test('not well-formed XML is -32700', async () => {
    assertFault(await runXml(server, '<methodCall><methodName>one</methodName>'), FaultCode.PARSE_ERROR, /not well formed/);
    assertFault(await runXml(server, ''), -32700);
  });

  test('a DOCTYPE is refused as -32700 and nothing is expanded', async () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e "one">]><methodCall><methodName>&e;</methodName></methodCall>';
    assertFault(await runXml(server, xml), -32700, /DOCTYPE/);
  });

  test('an unsupported encoding is -32701', async () => {
    const xml = '<?xml version="1.0" encoding="x-no-such-charset"?><methodCall><methodName>one</methodName></methodCall>';
    assertFault(await runXml(server, Buffer.from(xml, 'latin1')), FaultCode.UNSUPPORTED_ENCODING);
  });

  test('bytes invalid in the encoding are -32702', async () => {
    const bytes = Buffer.concat([Buffer.from('<methodCall><methodName>o'), Buffer.from([0xff, 0xfe]), Buffer.from('</methodName></methodCall>')]);
    assertFault(await runXml(server, bytes), FaultCode.INVALID_CHARACTER);
  });

  test('a character XML forbids is -32702', async () => {
    assertFault(await runXml(server, call('one', '<param><value><string>&#1;</string></value></param>')), -32702);
  });

  test('well-formed XML that is not a methodCall is -32600', async () => {
    assertFault(await runXml(server, '<methodResponse><params/></methodResponse>'), FaultCode.INVALID_REQUEST);
    assertFault(await runXml(server, '<methodCall><params/></methodCall>'), -32600);
  });

  test('an unknown method is -32601 and names it', async () => {
    assertFault(await run(server, 'nope.nothing'), FaultCode.METHOD_NOT_FOUND, /'nope\.nothing'/);
  });

  test('an invalid scalar in params is -32602 and says where', async () => {
    assertFault(await runXml(server, call('one', '<param><value><i4>12abc</i4></value></param>')), FaultCode.INVALID_PARAMS, /params\[0\]/);
  });

  test('params not matching the declared signature are -32602 naming the param', async () => {
    assertFault(await run(server, 'typed', [1, 2]), -32602, /param 2 \(params\[1\]\) of 'typed' must be string, got int/);
    assertFault(await run(server, 'typed', []), -32602, /takes 1 or 2 params, got 0/);
    assert.deepEqual(await run(server, 'typed', [1, 'x']), { kind: 'response', value: '1x' });
    assert.deepEqual(await run(server, 'typed', ['y']), { kind: 'response', value: 'yundefined' });
  });

  test('signature types: double takes any number, i8 takes int and bigint, struct, array, base64, nil, dateTime', async () => {
    const d = new XmlRpcDispatcher({ system: false });
    d.addMethod('m', () => true, { signature: ['boolean', 'double', 'i8', 'i8', 'struct', 'array', 'base64', 'nil', 'dateTime.iso8601', 'boolean'] });
    const ok = [asDouble(2), 7, 2n ** 40n, { a: 1 }, [], Buffer.from('x'), null, new Date(0), false];
    assert.deepEqual(await run(d, 'm', ok), { kind: 'response', value: true });
    assertFault(await run(d, 'm', [1, 7, 1n, [], [], Buffer.from('x'), null, new Date(0), false]), -32602, /param 4 .* must be struct, got array/);
  });

  test('more positional params than a call can take is -32602, not a stack overflow', async () => {
    const d = createServer();
    d.addMethod('count', (...args) => args.length);
    const xml = call('count', '<param><value><int>1</int></value></param>'.repeat(70_000));
    assertFault(await runXml(d, xml), -32602, /70000 params; at most 65536/);
    assert.deepEqual(await run(d, 'count', new Array(1000).fill(1)), { kind: 'response', value: 1000 });
  });

  test('a return value that cannot be encoded is -32603 and says where', async () => {
    const d = createServer();
    d.addMethod('big', () => ({ rows: [{ id: 1 }, { id: NaN }] })); // NaN: refused unless allowNonFinite
    d.addMethod('fn', () => [() => 1]);
    assertFault(await run(d, 'big'), FaultCode.INTERNAL_ERROR, /'big' cannot be encoded: .* at result\.rows\[1\]\.id$/);
    assertFault(await run(d, 'fn'), -32603, /at result\[0\]$/);
  });

  test('a handler error is -32500 with its message and no stack trace', async () => {
    const d = createServer();
    d.addMethod('boom', () => {
      throw new RangeError('too far');
    });
    d.addMethod('boomAsync', async () => {
      throw new Error('async failure');
    });
    d.addMethod('throwsString', () => {
      throw 'plain string';
    });
    const m = await run(d, 'boom');
    assertFault(m, FaultCode.APPLICATION_ERROR, /^RangeError: too far$/);
    assertFault(await run(d, 'boomAsync'), -32500, /^async failure$/);
    assertFault(await run(d, 'throwsString'), -32500, /^plain string$/);
  });

  test('exposeErrorMessages: false hides handler messages, not protocol ones', async () => {
    const d = createServer({ exposeErrorMessages: false });
    d.addMethod('boom', () => {
      throw new Error('db password is hunter2');
    });
    const m = await run(d, 'boom');
    assertFault(m, -32500);
    assert.doesNotMatch(m.fault.faultString, /hunter2/);
    assertFault(await run(d, 'nope'), -32601, /nope/);
  });

  describe('exposeErrorMessages: false hides what application code threw while the return value was read', () => {
    const throwing = (message) => () => {
      throw new Error(message);
    };
    const withGetter = (object, key, message) => Object.defineProperty(object, key, { get: throwing(message), enumerable: true });

    /** A server whose methods return values that throw SECRET-… when read; onError collects. */
    function readingThrows(exposeErrorMessages) {
      const seen = [];
      // onError gets the codec's EncodeError, which keeps the application's own error as its cause.
      const d = createServer({ exposeErrorMessages, onError: (error, context) => seen.push([(error.cause ?? error).message, context?.methodName]) });
      d.addMethod('getter', () => ({ rows: [withGetter({ ok: 1 }, 'bad', 'SECRET-getter')] }));
      d.addMethod('proxy', () => new Proxy({}, { ownKeys: throwing('SECRET-proxy') }));
      d.addMethod('thenGetter', () => withGetter({}, 'then', 'SECRET-then'));
      d.addMethod('asyncGetter', async () => [withGetter({}, 'bad', 'SECRET-async')]);
      d.addMethod('big', () => ({ rows: [{ id: NaN }] }));
      return { d, seen };
    }
    const names = ['getter', 'proxy', 'thenGetter', 'asyncGetter'];
    // Where the codec was reading when application code threw (the `then` getter is read by
    // the dispatcher, before the codec sees the value).
    const where = { getter: ' at result.rows[0].bad', proxy: ' at result', thenGetter: '', asyncGetter: ' at result[0].bad' };
    const escaped = (s) => s.replace(/[.[\]()]/g, '\\$&');

    test('a getter or Proxy trap that throws is -32603 with a generic text naming the method and the place; onError gets the real error', async () => {
      const { d, seen } = readingThrows(false);
      for (const name of names) {
        const m = await run(d, name);
        assertFault(m, FaultCode.INTERNAL_ERROR, new RegExp(`^the return value of '${name}' cannot be encoded: reading it threw an error \\(message hidden\\)${escaped(where[name])}$`));
        assert.doesNotMatch(m.fault.faultString, /SECRET/);
      }
      assert.deepEqual(seen, [['SECRET-getter', 'getter'], ['SECRET-proxy', 'proxy'], ['SECRET-then', 'thenGetter'], ['SECRET-async', 'asyncGetter']]);
    });

    test('the same in a system.multicall slot', async () => {
      const { d, seen } = readingThrows(false);
      const m = await run(d, 'system.multicall', [names.map((methodName) => ({ methodName, params: [] }))]);
      assert.equal(m.kind, 'response');
      for (const [i, slot] of m.value.entries()) {
        assert.equal(slot.faultCode, -32603, names[i]);
        assert.match(slot.faultString, new RegExp(`'${names[i]}' cannot be encoded: reading it threw an error \\(message hidden\\)${escaped(where[names[i]])}$`));
      }
      assert.deepEqual(seen.map(([message]) => message), ['SECRET-getter', 'SECRET-proxy', 'SECRET-then', 'SECRET-async']);
    });

    test("the codec's own reasons and paths stay", async () => {
      const { d } = readingThrows(false);
      assertFault(await run(d, 'big'), -32603, /'big' cannot be encoded: NaN cannot be sent.* at result\.rows\[0\]\.id$/);
    });

    test('by default the message goes out, for a throwing `then` getter too (not an internal error)', async () => {
      const { d } = readingThrows(true);
      assertFault(await run(d, 'getter'), -32603, /^the return value of 'getter' cannot be encoded: reading the value threw: SECRET-getter at result\.rows\[0\]\.bad$/);
      assertFault(await run(d, 'thenGetter'), -32603, /^the return value of 'thenGetter' cannot be encoded: SECRET-then$/);
    });
  });

  test('a thrown value without a readable message (null prototype, hostile Proxy) is still a -32500 fault', async () => {
    const seen = [];
    const d = createServer({ onError: (error) => seen.push(error) });
    d.addMethod('nullProto', () => {
      throw Object.create(null);
    });
    d.addMethod('hostile', () => {
      const trap = () => {
        throw new Error('trap');
      };
      throw new Proxy({}, { getPrototypeOf: trap, get: trap });
    });
    assertFault(await run(d, 'nullProto'), -32500, /^an error whose message cannot be read$/);
    assertFault(await run(d, 'hostile'), -32500, /^an error whose message cannot be read$/);
    assert.equal(seen.length, 2);
    assert.ok(seen.every((e) => e instanceof Error));
  });

  test('a thrown Fault is sent exactly, string codes included', async () => {
    const d = createServer();
    d.addMethod('f', () => {
      throw new Fault(4, 'Too many parameters');
    });
    d.addMethod('s', async () => {
      throw new Fault('SERVER_BUSY', 'later');
    });
    d.addMethod('duck', () => {
      throw Object.assign(new Error('x'), { faultCode: 7, faultString: 'from another library' });
    });
    assert.deepEqual((await run(d, 'f')).fault.faultString, 'Too many parameters');
    assertFault(await run(d, 'f'), 4);
    assertFault(await run(d, 's'), 'SERVER_BUSY', /^later$/);
    assertFault(await run(d, 'duck'), 7, /^from another library$/);
  });

  test('a Fault whose code is not an int32 becomes -32603', async () => {
    const d = createServer();
    d.addMethod('f', () => {
      throw new Fault(2 ** 40, 'x');
    });
    assertFault(await run(d, 'f'), -32603, /fault cannot be encoded/);
  });

  test('characters XML cannot carry in a message become U+FFFD, so the fault still goes out', async () => {
    const d = createServer();
    d.addMethod('ctl', () => {
      throw new Error('bad \u0001 byte \uD800');
    });
    assertFault(await run(d, 'ctl'), -32500, /^bad \uFFFD byte \uFFFD$/);
  });
});

describe('onError sees every error', () => {
  test('decode errors, unknown methods, handler errors, Faults and encode errors', async () => {
    const seen = [];
    const server = createServer({ onError: (error, context) => seen.push([error, context?.methodName]) });
    server.addMethod('boom', () => {
      throw new Error('b');
    });
    server.addMethod('fault', () => {
      throw new Fault(3, 'f');
    });
    server.addMethod('big', () => NaN);
    await server.dispatch('<bad');
    await run(server, 'nope');
    await run(server, 'boom');
    await run(server, 'fault');
    await run(server, 'big');
    assert.equal(seen.length, 5);
    assert.ok(seen[0][0] instanceof DecodeError);
    assert.equal(seen[0][1], undefined);
    assert.ok(seen[1][0] instanceof Fault);
    assert.equal(seen[1][0].faultCode, -32601);
    assert.deepEqual([seen[2][0].message, seen[2][1]], ['b', 'boom']);
    assert.deepEqual([seen[3][0].faultCode, seen[3][1]], [3, 'fault']);
    assert.ok(seen[4][0] instanceof EncodeError);
  });

  test('a throwing onError does not change the answer', async () => {
    const server = createServer({
      onError: () => {
        throw new Error('logger down');
      },
    });
    assertFault(await run(server, 'nope'), -32601);
  });
});

describe('the call context is available through currentCall()', () => {
  test('method name, path, headers, remote address and user, also after await', async () => {
    const server = createServer();
    server.addMethod('who', async () => {
      const before = currentCall();
      await new Promise((resolve) => setImmediate(resolve));
      const after = currentCall();
      assert.equal(before, after);
      return { method: after.methodName, path: after.path, agent: after.headers['user-agent'], ip: after.remoteAddress, user: after.user };
    });
    const m = await run(server, 'who', [], { path: '/RPC2', headers: { 'user-agent': 'test' }, remoteAddress: '10.0.0.1', user: 'alice' });
    assert.deepEqual(m.value, { method: 'who', path: '/RPC2', agent: 'test', ip: '10.0.0.1', user: 'alice' });
  });

  test('concurrent calls each see their own context', async () => {
    const server = createServer();
    server.addMethod('slowWho', async (delayTurns) => {
      for (let i = 0; i < delayTurns; i++) await new Promise((resolve) => setImmediate(resolve));
      return currentCall().user;
    });
    const users = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(users.map((u, i) => run(server, 'slowWho', [4 - i], { user: u })));
    assert.deepEqual(results.map((r) => r.value), users);
  });

  test('outside a handler currentCall() throws and findCurrentCall() is undefined', () => {
    assert.throws(() => currentCall(), { name: 'TypeError', message: /outside an XML-RPC handler/ });
    assert.equal(findCurrentCall(), undefined);
  });

  test('aborting the dispatch signal fires the handler signal and ends the call with -32300', async () => {
    const server = createServer();
    const started = deferred();
    const seen = deferred();
    server.addMethod('wait', () => {
      const { signal } = currentCall();
      signal.addEventListener('abort', () => seen.resolve(signal.reason.message));
      started.resolve();
      return new Promise(() => {}); // ignores the signal: the call ends anyway
    });
    const controller = new AbortController();
    const pending = run(server, 'wait', [], { signal: controller.signal });
    await started.promise;
    controller.abort(new Error('client gone'));
    assertFault(await pending, FaultCode.TRANSPORT_ERROR, /'wait' aborted: client gone/);
    assert.equal(await seen.promise, 'client gone');
  });

  test('a signal aborted before the call reaches the handler as aborted', async () => {
    const server = createServer();
    server.addMethod('check', () => currentCall().signal.aborted);
    assert.deepEqual(await run(server, 'check', [], { signal: AbortSignal.abort() }), { kind: 'response', value: true });
  });
});

describe('the per-call time limit', () => {
  test('a call over its limit gets -32000 and its signal fires with a TimeoutError', async () => {
    const aborted = deferred();
    const seen = [];
    const server = createServer({ callTimeoutMs: 30, onError: (e) => seen.push(e) });
    server.addMethod('hang', () => {
      const { signal } = currentCall();
      signal.addEventListener('abort', () => aborted.resolve(signal.reason));
      return new Promise(() => {});
    });
    assertFault(await run(server, 'hang'), FaultCode.CALL_TIMEOUT, /'hang' exceeded its time limit of 30 ms/);
    const reason = await aborted.promise;
    assert.ok(reason instanceof TimeoutError);
    assert.equal(reason.phase, 'call');
    assert.ok(seen.some((e) => e instanceof TimeoutError));
  });

  test('callTimeoutMs: 0 turns the limit off', async () => {
    const handler = () => new Promise((resolve) => setTimeout(() => resolve('done'), 20));
    const limited = createServer({ callTimeoutMs: 1 }).addMethod('slow', handler);
    const unlimited = createServer({ callTimeoutMs: 0 }).addMethod('slow', handler);
    assertFault(await run(limited, 'slow'), -32000);
    assert.deepEqual(await run(unlimited, 'slow'), { kind: 'response', value: 'done' });
    assert.throws(() => createServer({ callTimeoutMs: -1 }), (e) => e.code === 'ERR_XMLRPC_INVALID_OPTION' && /callTimeoutMs/.test(e.message));
  });
});

describe('codec options apply to requests and responses', () => {
  test('decode limits give -32602 with the limit named', async () => {
    const server = createServer({ decode: { maxDepth: 2 } });
    server.addMethod('echo', (x) => x);
    assertFault(await run(server, 'echo', [[[[1]]]]), -32602, /depth|deep/i);
  });

  test('encode options: largeIntegers (i8 by default, error on request)', async () => {
    const server = createServer();
    server.addMethod('big', () => 2 ** 40);
    assert.deepEqual(await run(server, 'big'), { kind: 'response', value: 2n ** 40n });
    const strict = createServer({ encode: { largeIntegers: 'error' } });
    strict.addMethod('big', () => 2 ** 40);
    assertFault(await run(strict, 'big'), FaultCode.INTERNAL_ERROR, /int32/);
  });
});
