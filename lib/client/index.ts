/** The XML-RPC client: public exports. */
export { Client, type MulticallCall } from './client.js';
export { MulticallResultError, type ClientMulticallOptions, type MulticallShape, type MulticallSlot } from './multicall.js';
export { CLIENT_DEFAULTS } from './options.js';
export type {
  CallOptions,
  ClientBasicAuth,
  ClientOptions,
  FetchFunction,
  HttpProxyOptions,
  TlsOptions,
  TransportChoice,
} from './options.js';
export type { Transport, TransportRequest, TransportResponse } from './transport.js';
export type { DynamicApi, DynamicMethod, RemoteApi, RemoteApiOptions, RemoteMember, ReservedProxyName } from './proxy.js';
export { FaultCode } from '../core/fault-codes.js';
// What callers catch and send, so that `xmlrpc-ts/client` alone is enough to use the client.
export { AbortError, DecodeError, EncodeError, Fault, HttpError, NetworkError, OptionError, TimeoutError, XmlRpcError } from '../core/errors.js';
export { TypedValue, XmlRpcDateTime, asBase64, asBigDecimal, asBoolean, asDateTime, asDouble, asI8, asInt, asNil, asString } from '../core/values.js';
export type { XmlRpcArray, XmlRpcStruct, XmlRpcValue } from '../core/values.js';
