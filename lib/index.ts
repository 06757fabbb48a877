/** xmlrpc-ts: the public face. Re-exports only. */
// The codec: values, errors, encode/decode and their defaults, named in lib/codec/index.ts.
export {
  TypedValue, XmlRpcDateTime, asBase64, asBigDecimal, asBoolean, asDateTime, asDouble, asI8, asInt, asNil, asString,
  AbortError, DecodeError, EncodeError, Fault, HttpError, NetworkError, OptionError, TimeoutError, XmlRpcError,
  DEFAULT_DECODE_LIMITS, DEFAULT_ENCODE_OPTIONS,
  encodeCall, encodeResponse, encodeFault, encodeValue, decodeCall, decodeResponse, decodeMessage, loadFastXmlParser,
} from './codec/index.js';
export type {
  DateTimeFields, ScalarTypeName, XmlRpcArray, XmlRpcStruct, XmlRpcValue, DecodeErrorReason, DocumentPosition,
  DecodeLimits, DecodeOptions, EncodeOptions, ResolvedEncodeOptions, ScalarReader, TypeEncoder, MethodCall, XmlRpcMessage,
} from './codec/index.js';
export * from './server/index.js';
export * from './client/index.js';
export * from './contract/index.js';
export { CLIENT_CALL_CHANNEL, SERVER_CALL_CHANNEL } from './core/tracing.js';
export type { CallTraceContext } from './core/tracing.js';
