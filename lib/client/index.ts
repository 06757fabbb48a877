/** The XML-RPC client: public exports. */
export { Client, type MulticallCall } from './client.js';
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
export { FaultCode } from '../core/fault-codes.js';
