// A tracer provider that keeps its spans in memory, written on the @opentelemetry/api
// interfaces only (no SDK): enough to see what an instrumentation records.
import { context as otelContext, trace } from '@opentelemetry/api';

/** One recorded span: what was set on it, and whether and when it ended. */
export class RecordedSpan {
  constructor(name, options = {}) {
    this.name = name;
    this.kind = options.kind;
    this.attributes = { ...options.attributes };
    this.status = { code: 0 };
    this.exceptions = [];
    this.events = [];
    this.startTime = performance.now();
    this.endTime = undefined;
    this.spanContextValue = { traceId: randomHex(16), spanId: randomHex(8), traceFlags: 1 };
  }
  spanContext() {
    return this.spanContextValue;
  }
  setAttribute(key, value) {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes) {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name, attributes) {
    this.events.push({ name, attributes });
    return this;
  }
  addLink() {
    return this;
  }
  addLinks() {
    return this;
  }
  setStatus(status) {
    this.status = status;
    return this;
  }
  updateName(name) {
    this.name = name;
    return this;
  }
  end() {
    if (this.endTime === undefined) this.endTime = performance.now();
  }
  isRecording() {
    return this.endTime === undefined;
  }
  recordException(exception) {
    this.exceptions.push(exception);
  }
}

/** A TracerProvider whose tracers append every span they start to `spans`. */
export class MemoryTracerProvider {
  spans = [];
  getTracer() {
    const spans = this.spans;
    return {
      startSpan(name, options) {
        const span = new RecordedSpan(name, options);
        spans.push(span);
        return span;
      },
      startActiveSpan(name, ...rest) {
        const fn = rest.pop();
        const span = this.startSpan(name, rest[0]);
        return otelContext.with(trace.setSpan(otelContext.active(), span), () => fn(span));
      },
    };
  }
}

function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
