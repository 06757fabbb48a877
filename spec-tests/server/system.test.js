// system.* methods: introspection, capabilities and multicall, all ordinary registered methods.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Fault, encodeCall, encodeResponse, decodeMessage } from 'xmlrpc-ts';
import { deferred } from './support.js';

async function run(server, methodName, params = []) {
  return decodeMessage(await server.dispatch(encodeCall(methodName, params)));
}

function value(message) {
  assert.equal(message.kind, 'response', JSON.stringify(message));
  return message.value;
}

function makeServer(options) {
  const server = createServer(options);
  server.addMethod('calc.add', (a, b) => a + b, { signature: ['int', 'int', 'int'], help: 'Adds two integers.' });
  server.addMethod('calc.div', (a, b) => {
    if (b === 0) throw new Fault(20, 'division by zero');
    return a / b;
  });
  server.addMethod('overloaded', (x) => x, { signature: [['string', 'string'], ['int', 'int']] });
  return server;
}

describe('introspection', () => {
  const server = makeServer();

  test('system.listMethods lists every method, system ones included, sorted', async () => {
    assert.deepEqual(value(await run(server, 'system.listMethods')), [
      'calc.add',
      'calc.div',
      'overloaded',
      'system.getCapabilities',
      'system.listMethods',
      'system.methodHelp',
      'system.methodSignature',
      'system.multicall',
    ]);
  });

  test('system.methodHelp gives the registered help, "" when none, a fault for an unknown method', async () => {
    assert.equal(value(await run(server, 'system.methodHelp', ['calc.add'])), 'Adds two integers.');
    assert.equal(value(await run(server, 'system.methodHelp', ['calc.div'])), '');
    const m = await run(server, 'system.methodHelp', ['nope']);
    assert.equal(m.fault.faultCode, -32601);
  });

  test('system.methodSignature gives the declared signatures, "undef" where none', async () => {
    assert.deepEqual(value(await run(server, 'system.methodSignature', ['calc.add'])), [['int', 'int', 'int']]);
    assert.deepEqual(value(await run(server, 'system.methodSignature', ['overloaded'])), [['string', 'string'], ['int', 'int']]);
    assert.equal(value(await run(server, 'system.methodSignature', ['calc.div'])), 'undef');
    assert.deepEqual(value(await run(server, 'system.methodSignature', ['system.multicall'])), [['array', 'array']]);
  });

  test('system methods check their own params', async () => {
    const m = await run(server, 'system.methodHelp', [5]);
    assert.equal(m.fault.faultCode, -32602);
  });
});

describe('system.getCapabilities advertises what is implemented', () => {
  test('all capabilities by default', async () => {
    const caps = value(await run(makeServer(), 'system.getCapabilities'));
    assert.deepEqual(Object.keys(caps).sort(), ['faults_interop', 'introspect', 'nil', 'system.multicall', 'xmlrpc']);
    assert.deepEqual(caps.faults_interop, { specUrl: 'http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php', specVersion: 20010516 });
    for (const cap of Object.values(caps)) {
      assert.equal(typeof cap.specUrl, 'string');
      assert.equal(typeof cap.specVersion, 'number');
    }
  });

  test('switched-off parts are not advertised', async () => {
    const server = makeServer({ system: { multicall: false, listMethods: false }, encode: { allowNil: false } });
    const caps = value(await run(server, 'system.getCapabilities'));
    assert.deepEqual(Object.keys(caps).sort(), ['faults_interop', 'xmlrpc']);
    server.removeMethod('system.getCapabilities');
    assert.equal((await run(server, 'system.getCapabilities')).fault.faultCode, -32601);
  });
});

describe('each system method can be switched off', () => {
  test('system: false registers none', async () => {
    const server = makeServer({ system: false });
    assert.deepEqual(server.listMethods(), ['calc.add', 'calc.div', 'overloaded']);
    assert.equal((await run(server, 'system.multicall', [[]])).fault.faultCode, -32601);
  });

  test('one at a time, by option or by removeMethod', async () => {
    const server = makeServer({ system: { methodHelp: false } });
    assert.equal(server.hasMethod('system.methodHelp'), false);
    assert.equal(server.hasMethod('system.methodSignature'), true);
    server.removeMethod('system.multicall');
    assert.equal(server.hasMethod('system.multicall'), false);
  });
});

describe('system.multicall', () => {
  test('each call gets its slot: [value] on success, a fault struct on failure', async () => {
    const server = makeServer();
    const result = value(
      await run(server, 'system.multicall', [
        [
          { methodName: 'calc.add', params: [1, 2] },
          { methodName: 'calc.div', params: [1, 0] },
          { methodName: 'nope', params: [] },
          { methodName: 'calc.add', params: ['x', 1] },
          { methodName: 'calc.div', params: [9, 3] },
        ],
      ]),
    );
    assert.equal(result.length, 5);
    assert.deepEqual(result[0], [3]);
    assert.deepEqual(result[1], { faultCode: 20, faultString: 'division by zero' });
    assert.equal(result[2].faultCode, -32601);
    assert.equal(result[3].faultCode, -32602);
    assert.deepEqual(result[4], [3]);
  });

  test('each slot is encoded once: a value that changes as it is read goes out as first read', async () => {
    const server = makeServer();
    let reads = 0;
    server.addMethod('counter', () => ({ get n() { return ++reads; } }));
    const result = value(await run(server, 'system.multicall', [[{ methodName: 'counter', params: [] }, { methodName: 'calc.add', params: [1, 1] }]]));
    assert.deepEqual(result, [[{ n: 1 }], [2]]);
    assert.equal(reads, 1);
  });

  test('with pretty output the slots are indented with the rest of the document', async () => {
    const server = makeServer({ encode: { pretty: true } });
    const xml = await server.dispatch(encodeCall('system.multicall', [[{ methodName: 'calc.add', params: [1, 2] }, { methodName: 'calc.div', params: [1, 0] }]]));
    assert.deepEqual(value(decodeMessage(xml)), [[3], { faultCode: 20, faultString: 'division by zero' }]);
    // The same document as the whole result written in one piece.
    assert.equal(xml, encodeResponse([[3], { faultCode: 20, faultString: 'division by zero' }], { pretty: true }));
  });

  test('an empty batch gives an empty array', async () => {
    assert.deepEqual(value(await run(makeServer(), 'system.multicall', [[]])), []);
  });

  test('malformed entries fault in their slot; the length never changes', async () => {
    const result = value(
      await run(makeServer(), 'system.multicall', [
        [5, { params: [] }, { methodName: 'calc.add' }, { methodName: 'calc.add', params: 'x' }, { methodName: 'calc.add', params: [2, 2] }],
      ]),
    );
    assert.equal(result.length, 5);
    for (let i = 0; i < 4; i++) {
      assert.equal(result[i].faultCode, -32600);
      assert.match(result[i].faultString, new RegExp(`entry ${i}`));
    }
    assert.deepEqual(result[4], [4]);
  });

  test('nested system.multicall is refused in its slot', async () => {
    const result = value(await run(makeServer(), 'system.multicall', [[{ methodName: 'system.multicall', params: [[]] }]]));
    assert.equal(result[0].faultCode, -32600);
    assert.match(result[0].faultString, /cannot be nested/);
  });

  test('a batch over maxCalls is refused as a whole', async () => {
    const server = makeServer({ multicall: { maxCalls: 3 } });
    const calls = Array.from({ length: 4 }, () => ({ methodName: 'calc.add', params: [1, 1] }));
    const m = await run(server, 'system.multicall', [calls]);
    assert.equal(m.fault.faultCode, -32602);
    assert.match(m.fault.faultString, /at most 3 calls, got 4/);
    assert.equal(value(await run(server, 'system.multicall', [calls.slice(1)])).length, 3);
  });

  test('a non-array argument is an ordinary fault', async () => {
    assert.equal((await run(makeServer(), 'system.multicall', [{}])).fault.faultCode, -32602);
  });

  test('a result that cannot be encoded faults in its slot only', async () => {
    const server = makeServer();
    server.addMethod('huge', () => ({ n: NaN })); // refused unless allowNonFinite
    const result = value(await run(server, 'system.multicall', [[{ methodName: 'huge', params: [] }, { methodName: 'calc.add', params: [1, 1] }]]));
    assert.equal(result[0].faultCode, -32603);
    assert.match(result[0].faultString, /at result\.n$/);
    assert.deepEqual(result[1], [2]);
  });

  test('calls run in order by default: the second starts after the first finished', async () => {
    const server = createServer();
    const log = [];
    server.addMethod('step', async (name) => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`end ${name}`);
      return name;
    });
    const result = value(await run(server, 'system.multicall', [[{ methodName: 'step', params: ['a'] }, { methodName: 'step', params: ['b'] }]]));
    assert.deepEqual(result, [['a'], ['b']]);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
  });

  test('parallel: true runs the calls of a batch concurrently', async () => {
    const server = createServer({ multicall: { parallel: true } });
    const bothStarted = [deferred(), deferred()];
    server.addMethod('meet', async (i) => {
      bothStarted[i].resolve();
      await Promise.all(bothStarted.map((d) => d.promise)); // deadlocks if run in order
      return i;
    });
    const result = value(await run(server, 'system.multicall', [[{ methodName: 'meet', params: [0] }, { methodName: 'meet', params: [1] }]]));
    assert.deepEqual(result, [[0], [1]]);
  });

  test('entries see their own method name in the context', async () => {
    const { currentCall } = await import('xmlrpc-ts');
    const server = createServer();
    server.addMethod('name.a', () => currentCall().methodName);
    server.addMethod('name.b', () => currentCall().methodName);
    const result = value(await run(server, 'system.multicall', [[{ methodName: 'name.a', params: [] }, { methodName: 'name.b', params: [] }]]));
    assert.deepEqual(result, [['name.a'], ['name.b']]);
  });
});
