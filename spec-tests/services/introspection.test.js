// The CLI's introspection reading (lib/cli/introspection.ts), shared by describe and codegen:
// flat signatures, single calls when a multicall answer cannot be read, and servers that offer
// no introspection; and `xmlrpc multicall` with a result it cannot read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
// This test of internals (dist/cli/...) takes the package's values and errors from the same per-module
// build, whose classes those internals check with instanceof; the Node build has its own copies.
import { Fault, MulticallResultError } from '../../dist/index.js';
import { introspectMethods, missingIntrospection, readSignatures } from '../../dist/cli/introspection.js';
import { rpc, startServer } from '../client/support.js';
import { xmlrpc, xmlrpcJson } from '../cli/support.js';

describe('readSignatures', () => {
  it('a list of signatures, each a list of type names, return type first', () => {
    assert.deepEqual(readSignatures([['int', 'int', 'int'], ['double', 'double']]), { signatures: [['int', 'int', 'int'], ['double', 'double']], note: null });
  });

  it("one signature not wrapped in a list (supervisord's) is one signature", () => {
    assert.deepEqual(readSignatures(['boolean', 'string', 'boolean']), { signatures: [['boolean', 'string', 'boolean']], note: null });
    assert.deepEqual(readSignatures(['array']), { signatures: [['array']], note: null });
  });

  it('anything else is "not given", with what the server said', () => {
    assert.deepEqual(readSignatures('undef'), { signatures: null, note: 'undef' });
    assert.deepEqual(readSignatures(['int', 3]), { signatures: null, note: '[\n  "int"\n  3\n]' });
    assert.deepEqual(readSignatures(new Fault(1, 'no')), { signatures: null, note: 'Fault 1: no' });
  });
});

/** A client double: `multicall` answers `batch(calls)`, `call` answers from `single` and is counted. */
function fakeClient(batch, single) {
  const calls = [];
  return {
    calls,
    multicall: async (list) => batch(list),
    call: async (name, params) => {
      calls.push(`${name}(${(params ?? []).join(', ')})`);
      return single(name, params);
    },
  };
}

describe('introspectMethods', () => {
  it('asks single calls only for the slots the multicall answer could not give', async () => {
    const client = fakeClient(
      () => [['string', 'int'], new MulticallResultError('unreadable', 1, 7), ['int'], 'help of b'],
      (name) => (name === 'system.methodHelp' ? 'help of a' : assert.fail(name)),
    );
    const methods = await introspectMethods(client, ['a', 'b']);
    assert.deepEqual(client.calls, ['system.methodHelp(a)']);
    assert.deepEqual(methods, [
      { name: 'a', signature: ['string', 'int'], help: 'help of a' },
      { name: 'b', signature: ['int'], help: 'help of b' },
    ]);
  });

  it('asks every call on its own when the whole answer cannot be read; a fault is that slot', async () => {
    const client = fakeClient(
      () => {
        throw new MulticallResultError('system.multicall returned 1 results for 2 calls', undefined, [1]);
      },
      (name) => {
        if (name === 'system.methodSignature') throw new Fault(4, 'SIGNATURE_UNSUPPORTED');
        return 'help';
      },
    );
    const [m] = await introspectMethods(client, ['x']);
    assert.deepEqual(client.calls, ['system.methodSignature(x)', 'system.methodHelp(x)']);
    assert.ok(m.signature instanceof Fault);
    assert.equal(m.help, 'help');
  });

  it('missingIntrospection: none when listMethods faults or lists neither method', async () => {
    const noList = fakeClient(() => [], () => {
      throw new Fault(-32601, 'no method');
    });
    assert.equal(await missingIntrospection(noList), 'system.listMethods answered Fault -32601: no method');
    const aria2Like = fakeClient(() => [], () => ['aria2.addUri', 'system.listMethods', 'system.multicall']);
    assert.equal(await missingIntrospection(aria2Like), 'system.listMethods does not list system.methodSignature or system.methodHelp');
    const full = fakeClient(() => [], () => ['system.methodSignature', 'system.methodHelp']);
    assert.equal(await missingIntrospection(full), undefined);
  });
});

describe('the CLI against servers that bend the rules', () => {
  let plain;
  let odd;
  /** What odd's system.multicall answers (set per test). */
  let oddAnswer;
  before(async () => {
    // No system.* at all, like Python's server without register_introspection_functions.
    plain = await startServer(rpc({ add: (a, b) => a + b }));
    odd = await startServer(rpc({
      'system.multicall': () => oddAnswer,
      'system.methodSignature': () => ['int', 'int', 'int'],
      'system.methodHelp': () => 'Adds two integers.',
      'system.listMethods': () => ['add', 'system.methodSignature', 'system.methodHelp'],
    }));
  });
  after(async () => {
    await plain?.close();
    await odd?.close();
  });

  it('describe says the server offers no introspection instead of printing the raw fault', async () => {
    const r = await xmlrpc(['describe', plain.url(), 'add']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'xmlrpc describe: the server offers no introspection: system.listMethods answered Fault -32601: no method ' +
        'system.listMethods (system.methodHelp answered Fault -32601: no method system.methodHelp)\n',
    );
  });

  it('describe asks one by one when the multicall answer cannot be read (it exited 4 before)', async () => {
    oddAnswer = 'not a list of results';
    const r = await xmlrpc(['describe', odd.url(), 'add']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'add(int, int) -> int\n\n  Adds two integers.\n');
  });

  it('multicall prints a result it cannot read with what the server sent, keeps the others, exit 4', async () => {
    oddAnswer = [[1], { faultCode: ['x'], faultString: 'odd' }, { faultCode: 3, faultString: 'three' }];
    const input = JSON.stringify([{ methodName: 'a' }, { methodName: 'b' }, { methodName: 'c' }]);
    const r = await xmlrpc(['multicall', odd.url()], { input });
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '[0] 1\n');
    assert.match(r.stderr, /^\[1\] unreadable result \(system\.multicall result looks like a fault struct but its faultCode or faultString has the wrong type\): \{\n/);
    assert.match(r.stderr, /\n\[2\] Fault 3: three\nxmlrpc multicall: 1 of 3 calls faulted\nxmlrpc multicall: 1 of 3 results could not be read\n$/);
    const { json } = await xmlrpcJson(['multicall', odd.url(), '--json'], { input });
    assert.deepEqual(json[0], { value: 1 });
    assert.deepEqual(json[1].unreadable.value, { faultCode: ['x'], faultString: 'odd' });
    assert.deepEqual(json[2], { fault: { faultCode: 3, faultString: 'three' } });
  });
});
