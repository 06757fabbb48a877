/**
 * `xmlrpc-ts/codec`: XML-RPC documents to values and back, on any JavaScript runtime. Loads no
 * transport, server or HTML builder, and no XML library until `loadFastXmlParser()` is called.
 */
export {
  TypedValue,
  XmlRpcDateTime,
  asBase64,
  asBigDecimal,
  asBoolean,
  asDateTime,
  asDouble,
  asI8,
  asInt,
  asNil,
  asString,
} from '../core/values.js';
export type { DateTimeFields, ScalarTypeName, XmlRpcArray, XmlRpcStruct, XmlRpcValue } from '../core/values.js';
// The transport errors (HttpError, TimeoutError, AbortError, NetworkError) live in `xmlrpc-ts/client`.
export { DecodeError, EncodeError, Fault, OptionError, XmlRpcError } from '../core/errors.js';
export type { DecodeErrorReason, DocumentPosition } from '../core/errors.js';
export type { DecodeLimits, DecodeOptions, EncodeOptions, ResolvedEncodeOptions, ScalarReader, TypeEncoder } from './options.js';
export { DEFAULT_DECODE_LIMITS, DEFAULT_ENCODE_OPTIONS } from './options.js';
export { encodeCall, encodeResponse, encodeFault, encodeValue } from './encode.js';
export { decodeCall, decodeResponse, decodeMessage, loadFastXmlParser } from './decode.js';
export type { MethodCall, XmlRpcMessage } from './decode.js';
export { FaultCode } from '../core/fault-codes.js';
