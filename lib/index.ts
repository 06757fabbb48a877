/** xmlrpc-ts: the public face. Re-exports only. */
// The codec: values, errors, encode/decode and their defaults, named in lib/codec/index.ts.
export {
  TypedValue, XmlRpcDateTime, asBase64, asBigDecimal, asBoolean, asDateTime, asDouble, asI8, asInt, asNil, asString,
  DecodeError, EncodeError, Fault, OptionError, XmlRpcError,
  DEFAULT_DECODE_LIMITS, DEFAULT_ENCODE_OPTIONS,
  encodeCall, encodeResponse, encodeFault, encodeValue, decodeCall, decodeResponse, decodeMessage, loadFastXmlParser,
} from './codec/index.js';
export type {
  DateTimeFields, ScalarTypeName, XmlRpcArray, XmlRpcStruct, XmlRpcValue, DecodeErrorReason, DocumentPosition,
  DecodeLimits, DecodeOptions, EncodeOptions, ResolvedEncodeOptions, ScalarReader, TypeEncoder, MethodCall, XmlRpcMessage,
} from './codec/index.js';
export { FaultCode } from './core/fault-codes.js';
// The transport errors the codec never throws (kept out of the codec's browser bundle).
export { AbortError, HttpError, NetworkError, TimeoutError } from './core/errors.js';
export type { FaultCodeNumber } from './core/fault-codes.js';
// The server: the portable dispatcher and fetch handler, and the node:http face.
export {
  XmlRpcServer, createServer, SERVER_DEFAULTS, SERVER_OPTION_NAMES, DISPATCHER_DEFAULTS, XmlRpcDispatcher,
  FETCH_HANDLER_DEFAULTS, createFetchHandler, DOCS_PAGE_CSP, DOCS_PAGE_HEADERS, docsPageHandler, docsPageInfo,
  renderDocsPage, wantsDocsPage, basicAuth, checkCrossSite, createCrossSitePolicy, isLoopbackAddress, currentCall,
  findCurrentCall, useCallContextStorage,
} from './server/index.js';
export type {
  ServerOptions, RequestListener, HttpOptions, AddMethodsOptions, DispatcherOptions, MulticallOptions, MethodHandler,
  MethodInfo, MethodOptions, MethodRegistry, SystemMethodsOptions, DocsPageInfo, DocsPageMethod, DocsPageOptions,
  DocsPageRequest, AuthenticateHook, AuthHeaders, AuthRequest, BasicAuthOptions, PasswordCheck, CrossSiteOptions,
  CrossSitePolicy, CrossSiteRequest, CrossSiteVerdict, CallContext, CallContextStorage, DispatchContext, RequestHeaders,
  Signature, SignatureType, FetchHandler, FetchHandlerOptions,
} from './server/index.js';
// The client.
export { Client, MulticallResultError, CLIENT_DEFAULTS } from './client/index.js';
export type {
  MulticallCall, ClientMulticallOptions, MulticallShape, MulticallSlot, CallOptions, ClientBasicAuth, ClientOptions,
  FetchFunction, HttpProxyOptions, TlsOptions, TransportChoice, Transport, TransportRequest, TransportResponse,
  DynamicApi, DynamicMethod, RemoteApi, RemoteApiOptions, RemoteMember, ReservedProxyName,
} from './client/index.js';
// Contracts.
export {
  rpc, ContractType, OptionalMember, Contract, defineContract, isContract, PerCallOptions, PlannedCall, ContractError,
  describeImplementedMethod, implementContract, implementedMethod, callOptions, contractMulticall, contractProxy,
} from './contract/index.js';
export type {
  ContractTypeKind, StructMember, StructOf, ValueOf, BatchApi, BatchResults, ContractApi, ContractHandlers,
  ContractMethodOf, ContractMethods, MethodHandlerOf, MethodSignatureSpec, MethodSpec, OverloadedMethodSpec,
  PlannedMethodOf, SignatureParams, SignatureResult, SingleMethodSpec, ContractSide, ImplementedMethod, ContractCaller,
} from './contract/index.js';
export { CLIENT_CALL_CHANNEL, SERVER_CALL_CHANNEL } from './core/tracing.js';
export type { CallTraceContext } from './core/tracing.js';
