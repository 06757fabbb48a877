// client.multicall reads both shapes of system.multicall answers: the conforming one (each slot a
// one-element array or a fault struct) and supervisord's (values unwrapped, faults as structs),
// and never throws away what the server produced: a slot it cannot read is that slot's error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DecodeError, Fault, MulticallResultError, XmlRpcError } from 'xmlrpc-ts';
import { rpc, startServer } from '../client/support.js';

/** A server whose system.multicall answers `next` as it is (set per test). */
let next;
let server;
before(async () => {
  server = await startServer(rpc({ 'system.multicall': () => next }));
});
after(() => server?.close());

const fault = (code, text) => ({ faultCode: code, faultString: text });
const calls = (n) => Array.from({ length: n }, (_, i) => ({ methodName: `m${i}`, params: [i] }));

/** Answers `answer` to one multicall of `answer.length` calls on a fresh client (nothing learnt). */
async function multicall(answer, options, shared) {
  next = answer;
  const client = shared ?? new Client(server.url());
  try {
    return await client.multicall(calls(answer.length), options);
  } finally {
    if (shared === undefined) await client.close();
  }
}

describe('the conforming shape: [value] or a fault struct per slot', () => {
  it('unwraps each one-element array; a fault struct is a Fault in its slot', async () => {
    const results = await multicall([[7], fault(4, 'four'), [[1, 2]], [{ a: 'x' }]]);
    assert.deepEqual(results[0], 7);
    assert.ok(results[1] instanceof Fault);
    assert.equal(results[1].faultCode, 4);
    assert.equal(results[1].faultString, 'four');
    assert.deepEqual(results[2], [1, 2], 'an array result arrives wrapped once more, and is unwrapped once');
    assert.deepEqual(results[3], { a: 'x' });
  });

  it('a batch whose every slot is a one-element array (or a fault) reads as conforming', async () => {
    const results = await multicall([['only'], [['a']], fault(1, 'x')]);
    assert.deepEqual(results.slice(0, 2), ['only', ['a']]);
    assert.ok(results[2] instanceof Fault);
  });
});

describe("supervisord's unwrapped shape: values as they are, faults as plain structs", () => {
  it('reads values unwrapped and faults as Faults (the old reader threw a DecodeError here)', async () => {
    const results = await multicall([true, true, fault(10, 'BAD_NAME: no-such-program')]);
    assert.equal(results[0], true);
    assert.equal(results[1], true);
    assert.ok(results[2] instanceof Fault);
    assert.equal(results[2].faultCode, 10);
  });

  it('one slot that only the unwrapped shape explains decides for the whole batch', async () => {
    // ['boolean', 'string'] (two elements) cannot be a conforming slot; so ['x'] is a value too.
    const results = await multicall([['boolean', 'string'], ['x'], 'help text', fault(1, 'nope')]);
    assert.deepEqual(results.slice(0, 3), [['boolean', 'string'], ['x'], 'help text']);
    assert.ok(results[3] instanceof Fault);
  });

  it('an empty array or a scalar is evidence of the unwrapped shape', async () => {
    assert.deepEqual(await multicall([[], ['x']]), [[], ['x']]);
    assert.deepEqual(await multicall([0, ['x']]), [0, ['x']]);
  });

  it('a client that has seen the unwrapped shape reads a later ambiguous batch the same way', async () => {
    const client = new Client(server.url());
    try {
      assert.deepEqual(await multicall([['x']], undefined, client), ['x'], 'first batch: nothing learnt, conforming');
      assert.deepEqual(await multicall(['RUNNING', ['a']], undefined, client), ['RUNNING', ['a']]);
      assert.deepEqual(await multicall([['x']], undefined, client), [['x']], 'learnt: unwrapped');
    } finally {
      await client.close();
    }
  });

  it("resultShape: 'unwrapped' settles an ambiguous batch on a fresh client", async () => {
    assert.deepEqual(await multicall([['only-process']], { resultShape: 'unwrapped' }), [['only-process']]);
  });
});

describe('nothing the server produced is thrown away', () => {
  it("resultShape: 'conforming' keeps the slots it can read; the others carry a typed error with the value", async () => {
    const results = await multicall([[1], 'bare', fault(3, 'three')], { resultShape: 'conforming' });
    assert.equal(results[0], 1);
    assert.ok(results[1] instanceof MulticallResultError);
    assert.ok(results[1] instanceof DecodeError && results[1] instanceof XmlRpcError);
    assert.equal(results[1].code, 'ERR_XMLRPC_DECODE');
    assert.equal(results[1].index, 1);
    assert.equal(results[1].path, '[1]');
    assert.equal(results[1].value, 'bare');
    assert.match(results[1].message, /neither a one-element array nor a fault struct at \[1\]/);
    assert.ok(results[2] instanceof Fault);
  });

  it('a fault struct with a wrong faultCode type is an error in its slot, the other slots are values', async () => {
    const results = await multicall([[1], fault(['x'], 'bad'), [2]]);
    assert.deepEqual([results[0], results[2]], [1, 2]);
    assert.ok(results[1] instanceof MulticallResultError);
    assert.deepEqual(results[1].value, { faultCode: ['x'], faultString: 'bad' });
  });

  it('an answer that does not line up with the calls throws, carrying the whole answer', async () => {
    next = [[1]];
    const client = new Client(server.url());
    try {
      await assert.rejects(client.multicall(calls(2)), (error) => {
        assert.ok(error instanceof MulticallResultError);
        assert.equal(error.index, undefined);
        assert.deepEqual(error.value, [[1]]);
        assert.match(error.message, /1 results for 2 calls/);
        return true;
      });
      next = { not: 'an array' };
      await assert.rejects(client.multicall(calls(1)), (error) => error instanceof MulticallResultError && error.value.not === 'an array');
    } finally {
      await client.close();
    }
  });

  it('an unknown resultShape is a TypeError before anything is sent', async () => {
    const before = server.requests.length;
    const client = new Client(server.url());
    try {
      await assert.rejects(client.multicall(calls(1), { resultShape: 'loose' }), /resultShape must be 'auto', 'conforming' or 'unwrapped', got "loose"/);
    } finally {
      await client.close();
    }
    assert.equal(server.requests.length, before);
  });
});
