/**
 * Tracing for APM tools: two `diagnostics_channel` TracingChannels, `xmlrpc-ts:client:call` and
 * `xmlrpc-ts:server:call`, with the `start`, `end`, `asyncStart`, `asyncEnd` and `error` events of
 * `TracingChannel.tracePromise`. Nothing is published, and no context object is built, unless
 * someone subscribes. The channel module is found at first use through `process.getBuiltinModule`
 * (Node ≥ 20.16, Deno, Bun), so this file imports no `node:` module and is inert where there is
 * none (browsers, Workers without Node compatibility).
 */

/**
 * The context of one traced XML-RPC call, as subscribers receive it.
 * @group Tracing
 */
export interface CallTraceContext {
  /** The XML-RPC method name. */
  method: string;
  /** Number of params. */
  paramsCount: number;
  /** Client: the endpoint URL without credentials. Server: the request path, when known. */
  target: string;
  /** `performance.now()` when the call started. */
  startTime: number;
  /** `performance.now()` when it settled (set before `asyncEnd`/`error`). */
  endTime?: number;
  /** The call's result, once it succeeded. */
  result?: unknown;
  /** The fault or error it failed with (also given to the `error` event). */
  error?: unknown;
}

/** The subset of Node's TracingChannel used here. */
interface Channel {
  readonly hasSubscribers: boolean;
  tracePromise<T>(fn: () => Promise<T>, context: object): Promise<T>;
}

interface ChannelModule {
  tracingChannel(name: string): Channel;
}

/**
 * The channel names, for subscribers: `diagnostics_channel.tracingChannel(CLIENT_CALL_CHANNEL)`.
 * @group Tracing
 */
export const CLIENT_CALL_CHANNEL = 'xmlrpc-ts:client:call';
/**
 * See {@link CLIENT_CALL_CHANNEL}.
 * @group Tracing
 */
export const SERVER_CALL_CHANNEL = 'xmlrpc-ts:server:call';

let channels: { client: Channel; server: Channel } | null | undefined;

function lookUp(): { client: Channel; server: Channel } | null {
  if (channels !== undefined) return channels;
  channels = null;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const module = proc?.getBuiltinModule?.('node:diagnostics_channel') as ChannelModule | undefined;
    if (module !== undefined && typeof module.tracingChannel === 'function') {
      channels = { client: module.tracingChannel(CLIENT_CALL_CHANNEL), server: module.tracingChannel(SERVER_CALL_CHANNEL) };
    }
  } catch {
    // No channel module on this runtime: tracing stays off.
  }
  return channels;
}

/** Which end of a call is traced: the Client's channel or the server's. */
export type TraceSide = 'client' | 'server';

/** The side's channel when someone subscribes to it, else undefined. */
function activeChannel(side: TraceSide): Channel | undefined {
  const found = lookUp();
  const channel = found === null ? undefined : found[side];
  return channel !== undefined && channel.hasSubscribers ? channel : undefined;
}

/**
 * Whether a call on this side would be traced now: lets a synchronous fast path (the dispatcher's)
 * stay synchronous when nobody listens, and go through {@link traceCall} when someone does.
 */
export function isTraced(side: TraceSide): boolean {
  return activeChannel(side) !== undefined;
}

/** Runs `call` inside the given side's channel when it has subscribers; otherwise just runs it. */
export function traceCall<T>(side: TraceSide, method: string, paramsCount: number, target: string, call: () => Promise<T>): Promise<T> {
  const channel = activeChannel(side);
  if (channel === undefined) return call();
  const context: CallTraceContext = { method, paramsCount, target, startTime: performance.now() };
  return channel.tracePromise(async () => {
    try {
      const result = await call();
      context.result = result;
      return result;
    } catch (error) {
      context.error = error;
      throw error;
    } finally {
      context.endTime = performance.now();
    }
  }, context);
}
