/**
 * The fault codes of Dan Libby's "Specification for Fault Code Interoperability" (20010516), which
 * servers send and clients switch on (Python's xmlrpc.server and xmlrpc-c use the same numbers).
 */

/**
 * Interoperability fault codes (reserved range -32768 … -32000).
 * @group Errors
 */
export const FaultCode = Object.freeze({
  /** Parse error: not well formed (also: a DOCTYPE, which we refuse). */
  PARSE_ERROR: -32700,
  /** Parse error: unsupported encoding. */
  UNSUPPORTED_ENCODING: -32701,
  /** Parse error: invalid character for encoding. */
  INVALID_CHARACTER: -32702,
  /** Server error: invalid XML-RPC, not a conforming `<methodCall>`. */
  INVALID_REQUEST: -32600,
  /** Server error: requested method not found. */
  METHOD_NOT_FOUND: -32601,
  /** Server error: invalid method parameters. */
  INVALID_PARAMS: -32602,
  /** Server error: internal XML-RPC error (e.g. a return value that cannot be encoded). */
  INTERNAL_ERROR: -32603,
  /** Application error: a handler threw something other than a `Fault`. */
  APPLICATION_ERROR: -32500,
  /** System error. */
  SYSTEM_ERROR: -32400,
  /** Transport error. */
  TRANSPORT_ERROR: -32300,
  /** Implementation-defined: the call's time limit passed. */
  CALL_TIMEOUT: -32000,
});

/**
 * One of the {@link FaultCode} numbers.
 * @group Errors
 */
export type FaultCodeNumber = (typeof FaultCode)[keyof typeof FaultCode];
