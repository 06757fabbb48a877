/**
 * What a method is and the registry interface methods are added to. The dispatcher implements it;
 * the `system.*` methods register on it (like CPython's `register_introspection_functions`), so
 * they need nothing else of the dispatcher.
 */
import type { CallContext } from './context.js';
import type { Signature } from './signature.js';

/**
 * A method implementation: called with the call's params positionally, and with `this` bound to
 * the call's {@link CallContext} (for `function` handlers; arrow functions use `currentCall()`);
 * may return a promise. `undefined` is answered as `<nil/>`. Throw a `Fault` to send a fault of your choice.
 * @group Server
 */
export type MethodHandler = (this: CallContext, ...params: never[]) => unknown;

/**
 * What may be declared about a method when it is registered.
 * @group Server
 */
export interface MethodOptions {
  /** One signature (`['int', 'int', 'int']`: return type first) or several; params are checked against them. */
  signature?: Signature | readonly Signature[];
  /** Text for `system.methodHelp`. */
  help?: string;
}

/**
 * A registered method, as introspection reports it.
 * @group Server
 */
export interface MethodInfo {
  /** The method's name as registered, e.g. `calc.add`. */
  readonly name: string;
  /** The declared signatures, or `undefined` (`system.methodSignature` then says `"undef"`). */
  readonly signatures: readonly Signature[] | undefined;
  /** The help text, `""` when none was given. */
  readonly help: string;
}

/**
 * A method registry: what introspection and `system.*` registration need.
 * @group Server
 */
export interface MethodRegistry {
  /** Registers (or replaces) a method. */
  addMethod(name: string, handler: MethodHandler, options?: MethodOptions): unknown;
  /** Whether a method of that name is registered. */
  hasMethod(name: string): boolean;
  /** The registered method names, sorted. */
  listMethods(): string[];
  /** Introspection data of a method, or `undefined`. */
  methodInfo(name: string): MethodInfo | undefined;
}
