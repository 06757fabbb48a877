// examples/otel-tracing.mjs, run against a real Client and server on 127.0.0.1 with an in-memory
// tracer provider registered as the global one (as an OpenTelemetry SDK would be).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Client, Fault, createServer } from 'xmlrpc-ts';
import { traceXmlRpc } from '../../examples/otel-tracing.mjs';
import { MemoryTracerProvider } from './memory-tracer.js';
import { closedPort } from './support.js';


describe('examples/otel-tracing.mjs', () => {
  const provider = new MemoryTracerProvider();
  let server;
  let client;
  let url;
  let stop;
  before(async () => {
    assert.ok(trace.setGlobalTracerProvider(provider), 'another tracer provider is registered');
    stop = traceXmlRpc();
    server = createServer({ onError: () => {} });
    server.addMethod('sample.add', (a, b) => a + b);
    server.addMethod('sample.fail', () => {
      throw new Fault(4, 'too many parameters');
    });
    server.addMethod('sample.bug', () => {
      throw new TypeError('handler bug');
    });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/RPC2`;
    client = new Client(url);
  });
  after(async () => {
    stop?.();
    await client?.close();
    await server?.close();
    trace.disable();
  });

  /** The spans of the calls `run` makes: one client and one server span per call, all ended. */
  async function spansOf(run) {
    const from = provider.spans.length;
    await run();
    const spans = provider.spans.slice(from);
    for (const span of spans) assert.ok(span.endTime !== undefined && span.startTime <= span.endTime, `${span.name} did not end`);
    return {
      client: spans.filter((s) => s.kind === SpanKind.CLIENT),
      server: spans.filter((s) => s.kind === SpanKind.SERVER),
    };
  }

  it('turns a call into a CLIENT and a SERVER span with the rpc attributes', async () => {
    const { client: [c, ...moreC], server: [s, ...moreS] } = await spansOf(() => client.call('sample.add', [2, 3]));
    assert.deepEqual([moreC, moreS], [[], []]);
    assert.equal(c.name, 'xmlrpc sample.add');
    assert.deepEqual(c.attributes, { 'rpc.system': 'xmlrpc', 'rpc.method': 'sample.add', 'xmlrpc.params_count': 2, 'url.full': url });
    assert.deepEqual(s.attributes, { 'rpc.system': 'xmlrpc', 'rpc.method': 'sample.add', 'xmlrpc.params_count': 2, 'url.path': '/RPC2' });
    assert.deepEqual([c.status.code, s.status.code], [SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    // The server span lies inside the client span.
    assert.ok(c.startTime <= s.startTime && s.endTime <= c.endTime);
  });

  it('marks a fault: error status and the fault code, no exception recorded', async () => {
    const spans = await spansOf(() => assert.rejects(client.call('sample.fail'), Fault));
    for (const span of [...spans.client, ...spans.server]) {
      assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'too many parameters' });
      assert.equal(span.attributes['xmlrpc.fault_code'], 4);
      assert.deepEqual(span.exceptions, []);
    }
    assert.equal(spans.client.length + spans.server.length, 2);
  });

  it('records the exception of an error that is not a fault', async () => {
    const nobody = new Client(`http://127.0.0.1:${await closedPort()}/RPC2`);
    const { client: [c], server } = await spansOf(() => assert.rejects(nobody.call('sample.add', [1, 2])).finally(() => nobody.close()));
    assert.deepEqual(server, []);
    assert.equal(c.status.code, SpanStatusCode.ERROR);
    assert.equal(c.exceptions.length, 1);
    assert.ok(c.exceptions[0] instanceof Error);
  });
});
