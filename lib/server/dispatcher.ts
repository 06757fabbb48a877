/**
 * The dispatcher: a request body in, a response body out, no sockets. It owns the method
 * registry, turns every failure into a fault with an interoperability code, and enforces the
 * per-call time limit. Portable: no `node:` module and no `Buffer`, here or in what it imports.
 */
import { isTraced, traceCall } from '../core/tracing.js';
import { decodeCall, loadFastXmlParser } from '../codec/decode.js';
import type { MethodCall } from '../codec/decode.js';
import { EncodedValue, encodeFault, encodeResponse, encodeValue } from '../codec/encode.js';
import { messageOf } from '../core/message.js';
import type { DecodeOptions, EncodeOptions } from '../codec/options.js';
import { DecodeError, EncodeError, Fault, OptionError, TimeoutError } from '../core/errors.js';
import { FaultCode } from '../core/fault-codes.js';
import { checkChoice, checkInteger, checkOptionNames } from '../core/options.js';
import { CallState, runWithContext } from './context.js';
import type { CallContext, DispatchContext } from './context.js';
import { asFault, faultForDecodeError, methodLabel, toXmlSafeText } from './faults.js';
import type { MethodHandler, MethodInfo, MethodOptions } from './registry.js';
import { normalizeSignatures, signatureMismatch } from './signature.js';
import type { Signature } from './signature.js';
import { registerSystemMethods } from './system.js';
import type { SystemMethodsOptions, SystemRegistry } from './system.js';
import { implementContract } from '../contract/server.js';
import type { Contract, ContractHandlers } from '../contract/define.js';

/**
 * How {@link XmlRpcDispatcher.addMethods} names and describes an object's methods.
 * @group Server
 */
export interface AddMethodsOptions {
  /** Namespace: `'calc'` exposes `add` as `calc.add`. */
  prefix?: string;
  /** Signatures by method name (without the prefix). */
  signatures?: Readonly<Record<string, Signature | readonly Signature[]>>;
  /** Help texts by method name (without the prefix). */
  help?: Readonly<Record<string, string>>;
}

/**
 * `system.multicall` settings.
 * @group Server
 */
export interface MulticallOptions {
  /** Most calls in one batch; a longer batch is refused as a whole. Default 1,000. */
  maxCalls?: number;
  /** Run the calls of a batch concurrently instead of in order. Default false. */
  parallel?: boolean;
}

/**
 * Options of a dispatcher (and of a server, which is one).
 * @group Server
 */
export interface DispatcherOptions {
  /** How request bodies are decoded, limits included. */
  decode?: DecodeOptions;
  /** How return values and faults are encoded. */
  encode?: EncodeOptions;
  /** Which `system.*` methods to register: `false` for none; all by default. */
  system?: boolean | SystemMethodsOptions;
  /** `system.multicall` settings. */
  multicall?: MulticallOptions;
  /** Time limit of one call (a whole multicall batch), in ms; 0 for none. Default 60,000. */
  callTimeoutMs?: number;
  /** Send the messages of errors handlers throw (never their stacks). Default true. */
  exposeErrorMessages?: boolean;
  /** Sees every error that becomes a fault or an error response (for logging). Must not throw. */
  onError?: (error: Error, context: CallContext | undefined) => void;
  /**
   * Without `onError`, print each error a handler throws that is not a `Fault` (a bug, most
   * likely) to stderr, once. Default true; false keeps stderr quiet.
   */
  logHandlerErrors?: boolean;
}

/**
 * The dispatcher's defaults (the server's are in `SERVER_DEFAULTS`).
 * @group Server
 */
export const DISPATCHER_DEFAULTS = Object.freeze({
  /** Time limit of one call (a whole multicall batch), in ms. */
  callTimeoutMs: 60_000,
  /** Send the messages of errors handlers throw. */
  exposeErrorMessages: true,
  /** Print non-`Fault` handler errors to stderr when there is no `onError`. */
  logHandlerErrors: true,
  /** `system.multicall` settings. */
  multicall: Object.freeze({
    /** Most calls one `system.multicall` may hold. */
    maxCalls: 1000,
    /** Run the calls of a batch concurrently instead of in order. */
    parallel: false,
  }),
});

/** The option names a dispatcher takes. */
export const DISPATCHER_OPTION_NAMES: readonly string[] = Object.freeze([
  'decode',
  'encode',
  'system',
  'multicall',
  'callTimeoutMs',
  'exposeErrorMessages',
  'onError',
  'logHandlerErrors',
]);
const MULTICALL_OPTION_NAMES = ['maxCalls', 'parallel'];
const SYSTEM_OPTION_NAMES = ['listMethods', 'methodHelp', 'methodSignature', 'getCapabilities', 'multicall'];

const MAX_POSITIONAL_PARAMS = 65_536;
/** What replaces an application's error message when `exposeErrorMessages` is false. */
const HIDDEN = 'message hidden';

/** The key of the HTTP layer's entry point (not part of the public API). */
export const dispatchNow = Symbol('dispatchNow');

interface RegisteredMethod extends MethodInfo {
  readonly handler: MethodHandler;
}

/** Resolved dispatcher settings (internal). */
interface Settings {
  readonly decode: DecodeOptions | undefined;
  readonly encode: EncodeOptions | undefined;
  readonly callTimeoutMs: number;
  readonly exposeErrorMessages: boolean;
  readonly onError: ((error: Error, context: CallContext | undefined) => void) | undefined;
  readonly logHandlerErrors: boolean;
}

/** The promises `invoke` makes: told apart from a handler's plain result without reading it (no getter or trap runs). */
const pendingCalls = new WeakSet<Promise<unknown>>();

/**
 * The transport-free XML-RPC protocol: a method registry and `dispatch(body) → response body`.
 * @group Server
 */
export class XmlRpcDispatcher {
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly settings: Settings;
  /** Set while the optional fast-xml-parser reader (`decode.reader`) loads; requests wait for it. */
  private readerLoading: Promise<void> | undefined;
  /** Multicall slots are written into the response as they are: compact, whatever `pretty` says. */
  private readonly slotEncodeOptions: EncodeOptions;
  /** How option errors name the options object. */
  protected static readonly optionOwner: string = 'XmlRpcDispatcher options';
  /** The option names the constructor takes. */
  protected static readonly optionNames: readonly string[] = DISPATCHER_OPTION_NAMES;
  /** The dispatcher options this one was made with (mounted dispatchers inherit them). */
  readonly options: Readonly<DispatcherOptions>;

  /**
   * Makes a dispatcher with the `system.*` methods registered (unless turned off). Options are
   * checked here: an unknown name or a bad value throws `OptionError`.
   */
  constructor(options: DispatcherOptions = {}) {
    // A subclass (the server) takes more options and names itself in messages.
    const kind = new.target as typeof XmlRpcDispatcher;
    const owner = kind.optionOwner;
    checkOptionNames(owner, options, kind.optionNames);
    checkInteger(owner, 'callTimeoutMs', options.callTimeoutMs, 0);
    checkChoice(owner, 'exposeErrorMessages', options.exposeErrorMessages, [true, false]);
    checkChoice(owner, 'logHandlerErrors', options.logHandlerErrors, [true, false]);
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new OptionError(`${owner}.onError`, `${owner}.onError must be a function`);
    }
    checkOptionNames('multicall options', options.multicall, MULTICALL_OPTION_NAMES);
    checkInteger('multicall options', 'maxCalls', options.multicall?.maxCalls, 0);
    checkChoice('multicall options', 'parallel', options.multicall?.parallel, [true, false]);
    if (typeof options.system !== 'boolean') checkOptionNames('system options', options.system, SYSTEM_OPTION_NAMES);
    const own: Record<string, unknown> = {};
    for (const name of DISPATCHER_OPTION_NAMES) if (Object.hasOwn(options, name)) own[name] = options[name as keyof DispatcherOptions];
    this.options = Object.freeze(own as DispatcherOptions);
    this.settings = {
      decode: options.decode,
      encode: options.encode,
      callTimeoutMs: options.callTimeoutMs ?? DISPATCHER_DEFAULTS.callTimeoutMs,
      exposeErrorMessages: options.exposeErrorMessages ?? DISPATCHER_DEFAULTS.exposeErrorMessages,
      onError: options.onError,
      logHandlerErrors: options.logHandlerErrors ?? DISPATCHER_DEFAULTS.logHandlerErrors,
    };
    this.slotEncodeOptions = { ...options.encode, pretty: false };
    if (options.decode?.reader === 'fast-xml-parser') {
      this.readerLoading = loadFastXmlParser().then(() => {
        this.readerLoading = undefined;
      });
    }
    registerSystemMethods(this.systemRegistry(options), options.system ?? true);
  }

  /** What the `system.*` methods register on: this registry, and sub-calls for multicall. */
  private systemRegistry(options: DispatcherOptions): SystemRegistry {
    return {
      maxCalls: options.multicall?.maxCalls ?? DISPATCHER_DEFAULTS.multicall.maxCalls,
      parallel: options.multicall?.parallel ?? DISPATCHER_DEFAULTS.multicall.parallel,
      allowNil: options.encode?.allowNil ?? true,
      addMethod: (name, handler, methodOptions) => this.addMethod(name, handler, methodOptions),
      hasMethod: (name) => this.hasMethod(name),
      listMethods: () => this.listMethods(),
      methodInfo: (name) => this.methodInfo(name),
      callSub: (state, methodName, params) => this.callSub(state, methodName, params),
      encodeSlot: (state, methodName, slot) => this.encodeSlot(state, methodName, slot),
    };
  }

  /** Registers (or replaces) a method; the handler gets the call's params positionally. */
  addMethod(name: string, handler: MethodHandler, options: MethodOptions = {}): this {
    if (typeof name !== 'string' || name === '') throw new TypeError('method name must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError(`handler of '${name}' must be a function`);
    if (options.help !== undefined && typeof options.help !== 'string') {
      throw new TypeError(`help of '${name}' must be a string`);
    }
    this.methods.set(name, {
      name,
      handler,
      signatures: normalizeSignatures(name, options.signature),
      help: options.help ?? '',
    });
    return this;
  }

  /**
   * Registers the methods of an object (own and inherited, up to but not including
   * `Object.prototype`), bound to it. Names starting with `_`, `constructor`, getters and
   * non-function properties are skipped.
   */
  addMethods(target: object, options: AddMethodsOptions = {}): this {
    if (typeof target !== 'object' || target === null) throw new TypeError('addMethods needs an object');
    const prefix = options.prefix === undefined || options.prefix === '' ? '' : `${options.prefix}.`;
    const seen = new Set<string>();
    for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      for (const key of Object.getOwnPropertyNames(o)) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (key.startsWith('_') || key === 'constructor') continue;
        const value: unknown = Object.getOwnPropertyDescriptor(o, key)?.value;
        if (typeof value !== 'function') continue;
        const bound = (value as (...args: unknown[]) => unknown).bind(target) as MethodHandler;
        const signature = options.signatures !== undefined && Object.hasOwn(options.signatures, key) ? options.signatures[key] : undefined;
        const help = options.help !== undefined && Object.hasOwn(options.help, key) ? options.help[key] : undefined;
        this.addMethod(prefix + key, bound, { signature, help });
      }
    }
    return this;
  }

  /** Unregisters a method (`system.*` ones too); true if it was there. */
  removeMethod(name: string): boolean {
    return this.methods.delete(name);
  }

  /** Whether a method of that name is registered. */
  hasMethod(name: string): boolean {
    return this.methods.has(name);
  }

  /** The registered method names, sorted. */
  listMethods(): string[] {
    return [...this.methods.keys()].sort();
  }

  /** Introspection data of a method, or `undefined`. */
  methodInfo(name: string): MethodInfo | undefined {
    const method = this.methods.get(name);
    return method === undefined ? undefined : { name: method.name, signatures: method.signatures, help: method.help };
  }

  /**
   * The whole protocol without sockets: decodes a `<methodCall>`, runs the method and returns
   * the `<methodResponse>` text. Never rejects: every failure is a fault response.
   */
  async dispatch(body: Uint8Array | string, context?: DispatchContext): Promise<string> {
    const state = new CallState(context);
    try {
      return await this[dispatchNow](body, state, context?.charset);
    } finally {
      state.release();
    }
  }

  /**
   * `dispatch` for the HTTP faces (`charset`: the request's Content-Type charset): the answer itself when the handler is synchronous (no
   * promise on the hot path), else a promise of it. Never throws or rejects.
   */
  [dispatchNow](body: Uint8Array | string, state: CallState, charset?: string): string | Promise<string> {
    if (this.readerLoading !== undefined) return this.readerLoading.then(() => this[dispatchNow](body, state, charset));
    let call: MethodCall;
    try {
      // The request's charset is the document's external encoding information (RFC 7303).
      const decode = charset === undefined || charset === 'utf-8' ? this.settings.decode : { ...this.settings.decode, defaultEncoding: charset };
      call = decodeCall(body, decode);
    } catch (error) {
      return this.faultResponse(this.requestFault(error), error, undefined);
    }
    const { methodName } = call;
    if (isTraced('server')) return this.tracedCall(state, methodName, call.params);
    let result: unknown;
    try {
      result = this.invoke(state, methodName, call.params);
    } catch (error) {
      return this.failedCall(error);
    }
    // invoke() returns a promise of its own only for a thenable result.
    if (!pendingCalls.has(result as Promise<unknown>)) return this.encodeResult(result, methodName, state);
    return this.limited(result as Promise<unknown>, state, methodName).then(
      (value) => this.encodeResult(value, methodName, state),
      (error: unknown) => this.failedCall(error),
    );
  }

  /** The same call inside the `xmlrpc-ts:server:call` tracing channel (only while it has subscribers). */
  private tracedCall(state: CallState, methodName: string, params: unknown[]): Promise<string> {
    return traceCall('server', methodName, params.length, state.path, async () => {
      const value = this.invoke(state, methodName, params);
      return pendingCalls.has(value as Promise<unknown>) ? this.limited(value as Promise<unknown>, state, methodName) : value;
    }).then(
      (value) => this.encodeResult(value, methodName, state),
      (error: unknown) => this.failedCall(error),
    );
  }

  /** The response for an error out of a call: a `Fault` was reported where it was made; anything else is a bug. */
  private failedCall(error: unknown): string {
    if (error instanceof Fault) return this.faultResponse(error, undefined, undefined);
    return this.faultResponse(this.internalFault(error), error, undefined);
  }

  /** Runs a method for `state`; throws a `Fault` (reported to `onError`) when it fails. */
  private invoke(state: CallState, methodName: string, params: unknown[]): unknown {
    const method = this.methods.get(methodName);
    if (method === undefined) {
      throw this.report(new Fault(FaultCode.METHOD_NOT_FOUND, `method ${methodLabel(methodName)} not found`), state, methodName);
    }
    if (params.length > MAX_POSITIONAL_PARAMS) {
      // Spreading them into a call would overflow the stack; no real method takes this many.
      const fault = new Fault(FaultCode.INVALID_PARAMS, `${methodLabel(methodName)} got ${params.length} params; at most ${MAX_POSITIONAL_PARAMS} are passed to a method`);
      throw this.report(fault, state, methodName);
    }
    if (method.signatures !== undefined) {
      const problem = signatureMismatch(methodName, method.signatures, params);
      if (problem !== undefined) throw this.report(new Fault(FaultCode.INVALID_PARAMS, problem), state, methodName);
    }
    const context = state.contextFor(methodName);
    let result: unknown;
    try {
      result = runWithContext(context, () => (method.handler as (this: CallContext, ...args: unknown[]) => unknown).apply(context, params));
    } catch (error) {
      throw this.handlerFault(error, context);
    }
    let thenable: boolean;
    try {
      thenable = isThenable(result);
    } catch (error) {
      // A getter or Proxy trap of the returned value threw on `.then`.
      this.notify(error, context);
      throw new Fault(FaultCode.INTERNAL_ERROR, this.unencodable(methodName, error, 'params[0]'), { cause: error });
    }
    if (!thenable) return result;
    const pending = Promise.resolve(result).then(undefined, (error: unknown) => {
      throw this.handlerFault(error, context);
    });
    pendingCalls.add(pending);
    return pending;
  }

  /** Runs a call made on behalf of the current one (a `system.multicall` entry). */
  private async callSub(state: CallState, methodName: string, params: unknown[]): Promise<unknown> {
    if (state.aborted !== undefined) throw new Fault(FaultCode.CALL_TIMEOUT, `call aborted: ${state.aborted.message}`);
    try {
      return await this.invoke(state, methodName, params);
    } catch (error) {
      if (error instanceof Fault) throw error;
      this.notify(error, state.contextFor(methodName));
      throw this.internalFault(error);
    }
  }

  /** Prints a handler's non-`Fault` error to stderr when no `onError` sees it (a bug should not be silent). */
  private logUnhandled(error: unknown, context: CallContext): void {
    if (this.settings.onError !== undefined || !this.settings.logHandlerErrors || asFault(error) !== undefined) return;
    try {
      console.error(`xmlrpc-ts: the handler of ${methodLabel(context.methodName)} threw (pass onError to handle errors, or logHandlerErrors: false to silence this):`, error);
    } catch {
      // A console that throws must not change the answer.
    }
  }

  /**
   * Waits for a handler's promise until the call's time limit passes or the call is aborted
   * (client gone, server closing); then the handler's signal fires and the call ends with a
   * fault, whether or not the handler stops.
   */
  private limited(promise: PromiseLike<unknown>, state: CallState, methodName: string): Promise<unknown> {
    const ms = this.settings.callTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer =
        ms === 0
          ? undefined
          : setTimeout(() => {
              const error = new TimeoutError('call', ms);
              state.abort(error);
            }, ms);
      const unsubscribe = state.onAbort((reason) => {
        clearTimeout(timer);
        const fault =
          reason instanceof TimeoutError
            ? new Fault(FaultCode.CALL_TIMEOUT, `call to ${methodLabel(methodName)} exceeded its time limit of ${ms} ms`, { cause: reason })
            : new Fault(FaultCode.TRANSPORT_ERROR, `call to ${methodLabel(methodName)} aborted: ${reason.message}`, { cause: reason });
        reject(this.report(fault, state, methodName, reason));
      });
      if (state.aborted !== undefined) {
        const fault = new Fault(FaultCode.TRANSPORT_ERROR, `call to ${methodLabel(methodName)} aborted: ${state.aborted.message}`, { cause: state.aborted });
        reject(this.report(fault, state, methodName, state.aborted));
      }
      promise.then(
        (value) => {
          clearTimeout(timer);
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          unsubscribe();
          reject(error);
        },
      );
    });
  }

  /** The fault for something a handler threw (reported to `onError`). */
  private handlerFault(error: unknown, context: CallContext): Fault {
    this.notify(error, context);
    this.logUnhandled(error, context);
    const fault = asFault(error);
    if (fault !== undefined) return fault;
    const message = this.settings.exposeErrorMessages ? messageOf(error) : 'application error';
    return new Fault(FaultCode.APPLICATION_ERROR, message, { cause: error });
  }

  /** The fault for a body the codec refused. */
  private requestFault(error: unknown): Fault {
    if (error instanceof DecodeError) return faultForDecodeError(error);
    return this.internalFault(error);
  }

  private internalFault(error: unknown): Fault {
    const message = this.settings.exposeErrorMessages ? messageOf(error) : HIDDEN;
    return new Fault(FaultCode.INTERNAL_ERROR, `internal error: ${message}`, { cause: error });
  }

  /**
   * A multicall entry's `[result]` slot, encoded once (the response writes it as it is), or why
   * it cannot be encoded; the error is reported to `onError`.
   */
  private encodeSlot(state: CallState, methodName: string, slot: [unknown]): EncodedValue | string {
    try {
      return new EncodedValue(encodeValue(slot, this.slotEncodeOptions));
    } catch (error) {
      this.notify(error, state.contextFor(methodName));
      return this.unencodable(methodName, error, '[0]');
    }
  }

  private encodeResult(result: unknown, methodName: string, state: CallState): string {
    try {
      return encodeResponse(result === undefined ? null : result, this.settings.encode);
    } catch (error) {
      const fault = new Fault(FaultCode.INTERNAL_ERROR, this.unencodable(methodName, error, 'params[0]'), { cause: error });
      return this.faultResponse(fault, error, state.contextFor(methodName));
    }
  }

  /**
   * Says where a return value could not be encoded: the codec's path, rebased on `result`. What
   * a getter, Proxy trap or TypeEncoder threw is the application's: its message is hidden with
   * `exposeErrorMessages: false`; the codec's own details are not.
   */
  private unencodable(methodName: string, error: unknown, root: string): string {
    const head = `the return value of ${methodLabel(methodName)} cannot be encoded: `;
    const expose = this.settings.exposeErrorMessages;
    if (!(error instanceof EncodeError)) return head + (expose ? messageOf(error) : `reading it threw an error (${HIDDEN})`);
    const rest = error.path.startsWith(root) ? error.path.slice(root.length) : error.path;
    const where = rest === '' ? 'result' : rest.startsWith('[') ? `result${rest}` : `result.${rest.replace(/^\./, '')}`;
    // An EncodeError with a cause wraps something application code threw.
    const detail = expose || error.cause === undefined ? error.detail : `reading it threw an error (${HIDDEN})`;
    return `${head}${detail} at ${where}`;
  }

  /** A fault response; `error` (when given) is reported to `onError` first. */
  private faultResponse(fault: Fault, error: unknown, context: CallContext | undefined): string {
    if (error !== undefined) this.notify(error, context);
    const faultString = toXmlSafeText(fault.faultString);
    try {
      return encodeFault({ faultCode: fault.faultCode, faultString }, this.settings.encode);
    } catch (encodeError) {
      // e.g. a handler's Fault with a code that is not an int32.
      this.notify(encodeError, context);
      return encodeFault(
        { faultCode: FaultCode.INTERNAL_ERROR, faultString: `internal error: the fault cannot be encoded: ${toXmlSafeText(messageOf(encodeError))}` },
        this.settings.encode,
      );
    }
  }

  private report(fault: Fault, state: CallState, methodName: string, error: Error = fault): Fault {
    this.notify(error, state.contextFor(methodName));
    return fault;
  }

  private notify(error: unknown, context: CallContext | undefined): void {
    const onError = this.settings.onError;
    if (onError === undefined) return;
    let reported: Error;
    try {
      reported = error instanceof Error ? error : new Error(messageOf(error), { cause: error });
    } catch {
      reported = new Error(messageOf(error), { cause: error }); // a thrown Proxy whose trap throws
    }
    try {
      onError(reported, context);
    } catch {
      // A logging hook must not change the answer.
    }
  }

  /**
   * Registers a handler for each method of `contract` (none for `system.*`): params checked and
   * converted to the declared types, results encoded as declared (docs/server.md, "Contracts").
   */
  implement<C extends Contract>(contract: C, handlers: ContractHandlers<C>): this {
    implementContract(this, contract, handlers);
    return this;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
