// OpenTelemetry spans for XML-RPC calls, from the package's two diagnostics_channel
// TracingChannels. Only @opentelemetry/api is used: spans go to whatever tracer provider the
// application registered (the OpenTelemetry SDK, an APM agent); with none they are no-ops.
//
//   import { traceXmlRpc } from './otel-tracing.mjs';
//   const stop = traceXmlRpc(); // after the SDK is set up; stop() unsubscribes
import { tracingChannel } from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CLIENT_CALL_CHANNEL, Fault, SERVER_CALL_CHANNEL } from 'xmlrpc-ts';

/**
 * Subscribes to both channels; every XML-RPC call the Client makes becomes a CLIENT span and
 * every call the server runs a SERVER span, named "xmlrpc <method>", with the semantic
 * conventions' rpc.* attributes. Returns a function that unsubscribes.
 */
export function traceXmlRpc(tracer = trace.getTracer('xmlrpc-ts')) {
  const unsubscribes = [
    subscribe(CLIENT_CALL_CHANNEL, SpanKind.CLIENT, (context) => ({ 'url.full': context.target })),
    subscribe(SERVER_CALL_CHANNEL, SpanKind.SERVER, (context) => ({ 'url.path': context.target })),
  ];
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());

  function subscribe(name, kind, whereAttributes) {
    // One span per call; the context object is the call's identity from start to asyncEnd.
    const spans = new WeakMap();
    const handlers = {
      start(context) {
        spans.set(
          context,
          tracer.startSpan(`xmlrpc ${context.method}`, {
            kind,
            attributes: {
              'rpc.system': 'xmlrpc',
              'rpc.method': context.method,
              'xmlrpc.params_count': context.paramsCount,
              ...whereAttributes(context),
            },
          }),
        );
      },
      error(context) {
        const span = spans.get(context);
        if (span === undefined) return;
        const { error } = context;
        if (error instanceof Fault) {
          // A fault is an answer, not a crash: keep its code, still mark the span as failed.
          span.setAttribute('xmlrpc.fault_code', error.faultCode);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.faultString });
        } else {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
      },
      asyncEnd(context) {
        const span = spans.get(context);
        if (span === undefined) return;
        spans.delete(context);
        span.end();
      },
    };
    const channel = tracingChannel(name);
    channel.subscribe(handlers);
    return () => channel.unsubscribe(handlers);
  }
}
