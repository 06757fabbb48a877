// The two TracingChannels, xmlrpc-ts:client:call and xmlrpc-ts:server:call: what a subscriber
// sees for a call, a fault and an error (context fields, events in order, timings), and that
// nothing is published, and no context built, when nobody subscribes.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tracingChannel } from 'node:diagnostics_channel';
import { CLIENT_CALL_CHANNEL, Client, Fault, FaultCode, SERVER_CALL_CHANNEL, XmlRpcError, createServer } from 'xmlrpc-ts';
import { isTraced, traceCall } from '../../dist/core/tracing.js';
import { closedPort } from './support.js';

const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'];

/** Subscribes to every event of a channel; `seen` lists { event, at, context } in order. */
function record(name) {
  const seen = [];
  const channel = tracingChannel(name);
  const handlers = Object.fromEntries(EVENTS.map((event) => [event, (context) => seen.push({ event, at: performance.now(), context })]));
  channel.subscribe(handlers);
  return { seen, stop: () => channel.unsubscribe(handlers) };
}

const subscriptions = [];
afterEach(() => {
  for (const s of subscriptions.splice(0)) s.stop();
});
function recordBoth() {
  const client = record(CLIENT_CALL_CHANNEL);
  const server = record(SERVER_CALL_CHANNEL);
  subscriptions.push(client, server);
  return { client: client.seen, server: server.seen };
}

/** The events of one traced call: the same context object throughout, timings in order. */
function oneCall(seen, expectedEvents) {
  assert.deepEqual(seen.map((s) => s.event), expectedEvents);
  const [{ context }] = seen;
  for (const s of seen) assert.equal(s.context, context, 'every event carries the same context');
  assert.equal(typeof context.startTime, 'number');
  assert.equal(typeof context.endTime, 'number', 'endTime is set before asyncEnd');
  assert.ok(context.startTime <= context.endTime, `startTime ${context.startTime} > endTime ${context.endTime}`);
  assert.ok(context.startTime <= seen[0].at, 'startTime is taken before the start event');
  const asyncEnd = seen.find((s) => s.event === 'asyncEnd');
  assert.ok(context.endTime <= asyncEnd.at, 'endTime is taken before asyncEnd');
  return context;
}

describe('traceCall (lib/core/tracing)', () => {
  it('publishes nothing and builds no context without subscribers', async () => {
    assert.equal(isTraced('client'), false);
    assert.equal(isTraced('server'), false);
    // The call's own promise comes back: no wrapper, no context object, no extra tick.
    const promise = Promise.resolve(42);
    assert.equal(traceCall('client', 'm', 0, 'http://x/', () => promise), promise);
    assert.equal(await promise, 42);
  });

  it('gives start, end, asyncStart and asyncEnd with the result to a subscriber', async () => {
    const { client } = recordBoth();
    assert.equal(isTraced('client'), true);
    const result = await traceCall('client', 'sample.add', 2, 'http://127.0.0.1:1/RPC2', async () => 5);
    assert.equal(result, 5);
    const context = oneCall(client, ['start', 'end', 'asyncStart', 'asyncEnd']);
    assert.deepEqual(
      { method: context.method, paramsCount: context.paramsCount, target: context.target, result: context.result, error: context.error },
      { method: 'sample.add', paramsCount: 2, target: 'http://127.0.0.1:1/RPC2', result: 5, error: undefined },
    );
  });

  it('gives the error event, with the error in the context, when the call rejects', async () => {
    const { server } = recordBoth();
    const failure = new Fault(4, 'too many parameters');
    await assert.rejects(traceCall('server', 'fail', 0, '/RPC2', () => Promise.reject(failure)), (e) => e === failure);
    const context = oneCall(server, ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    assert.equal(context.error, failure);
    assert.equal('result' in context, false);
  });
});


// End to end, through a real Client and server on 127.0.0.1.
describe('a Client and a server traced end to end', () => {
  let server;
  let client;
  let url;
  before(async () => {
    server = createServer({ onError: () => {} });
    server.addMethod('sample.add', (a, b) => a + b);
    server.addMethod('sample.fail', () => {
      throw new Fault(4, 'too many parameters');
    });
    server.addMethod('sample.bug', async () => {
      throw new TypeError('handler bug');
    });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/RPC2`;
    client = new Client(url);
  });
  after(async () => {
    await client?.close();
    await server?.close();
  });

  it('a call: both sides see method, target, params count, result and timings', async () => {
    const seen = recordBoth();
    assert.equal(await client.call('sample.add', [2, 3]), 5);
    for (const [side, target] of [['client', url], ['server', '/RPC2']]) {
      const context = oneCall(seen[side], ['start', 'end', 'asyncStart', 'asyncEnd']);
      assert.deepEqual([context.method, context.paramsCount, context.target, context.result], ['sample.add', 2, target, 5], side);
    }
    // The server's call runs inside the client's.
    assert.ok(seen.client[0].at <= seen.server[0].at && seen.server.at(-1).at <= seen.client.at(-1).at);
  });

  it('a fault: both sides get the error event with the Fault', async () => {
    const seen = recordBoth();
    await assert.rejects(client.call('sample.fail', []), Fault);
    for (const side of ['client', 'server']) {
      const context = oneCall(seen[side], ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
      assert.ok(context.error instanceof Fault, side);
      assert.deepEqual([context.method, context.error.faultCode, context.error.faultString], ['sample.fail', 4, 'too many parameters']);
    }
  });

  it('an error: a handler bug is a Fault on the server (the bug its cause); no server, an XmlRpcError on the client', async () => {
    const seen = recordBoth();
    await assert.rejects(client.call('sample.bug', []), Fault);
    const serverContext = oneCall(seen.server, ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    assert.equal(serverContext.error.faultCode, FaultCode.APPLICATION_ERROR);
    assert.ok(serverContext.error.cause instanceof TypeError);

    seen.client.length = 0;
    const nobody = new Client(`http://127.0.0.1:${await closedPort()}/RPC2`);
    try {
      await assert.rejects(nobody.call('sample.add', [1, 2]), (e) => e instanceof XmlRpcError && !(e instanceof Fault));
    } finally {
      await nobody.close();
    }
    const clientContext = oneCall(seen.client, ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    assert.ok(clientContext.error instanceof XmlRpcError && !(clientContext.error instanceof Fault));
  });
});
