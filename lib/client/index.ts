/** The XML-RPC client: public exports. */
export { Client, type MulticallCall } from './client.js';
export { MulticallResultError, type ClientMulticallOptions, type MulticallShape, type MulticallSlot } from './multicall.js';
export { CLIENT_DEFAULTS } from './options.js';
export type { BasicAuth, CallOptions, ClientOptions, HttpProxyOptions, TlsOptions } from './options.js';
export type {
  DynamicApi,
  DynamicMethod,
  RemoteApi,
  RemoteApiOptions,
  RemoteMember,
  RemoteMethod,
  ReservedProxyName,
} from './proxy.js';
