/** xmlrpc-ts: the public face. Re-exports only. */
export * from './core/values.js';
export * from './core/errors.js';
export type { DecodeLimits, DecodeOptions, EncodeOptions, ScalarReader, TypeEncoder } from './codec/options.js';
export { DEFAULT_DECODE_LIMITS } from './codec/options.js';
export { FAST_XML_PARSER_MAX_DEPTH } from './codec/fxp-reader.js';
export { encodeCall, encodeResponse, encodeFault, encodeValue } from './codec/encode.js';
export { decodeCall, decodeResponse, decodeMessage } from './codec/decode.js';
export type { MethodCall, XmlRpcMessage } from './codec/decode.js';
export * from './server/index.js';
export * from './client/index.js';
export * from './contract/index.js';
