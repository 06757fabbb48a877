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
