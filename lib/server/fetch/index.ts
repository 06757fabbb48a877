/**
 * `xmlrpc-ts/server` for Web runtimes (Workers, browsers' service workers, Deno Deploy): the
 * portable part of the server entry, everything but the node:http face, so that a bundler never
 * meets a `node:` import. The package's `workerd`/`worker`/`browser` export conditions of
 * `./server` point here. Named re-exports only.
 */
export { FETCH_HANDLER_DEFAULTS, createFetchHandler } from '../fetch.js';
export type { FetchHandler, FetchHandlerOptions } from '../fetch.js';
export { DISPATCHER_DEFAULTS, XmlRpcDispatcher } from '../dispatcher.js';
export type { AddMethodsOptions, DispatcherOptions, MulticallOptions } from '../dispatcher.js';
export type { MethodHandler, MethodInfo, MethodOptions, MethodRegistry } from '../registry.js';
export type { SystemMethodsOptions } from '../system.js';
export { DOCS_PAGE_CSP, DOCS_PAGE_HEADERS, docsPageInfo, renderDocsPage, wantsDocsPage } from '../docs/render.js';
export type { DocsPageInfo, DocsPageMethod, DocsPageOptions, DocsPageRequest } from '../docs/render.js';
export { basicAuth } from '../auth.js';
export type { AuthenticateHook, AuthHeaders, AuthRequest, BasicAuthOptions, PasswordCheck } from '../auth.js';
export { checkCrossSite, createCrossSitePolicy, isLoopbackAddress } from '../policy.js';
export type { CrossSiteOptions, CrossSitePolicy, CrossSiteRequest, CrossSiteVerdict } from '../policy.js';
export { currentCall, findCurrentCall, useCallContextStorage } from '../context.js';
export type { CallContext, CallContextStorage, DispatchContext, RequestHeaders } from '../context.js';
export { FaultCode } from '../../core/fault-codes.js';
export type { FaultCodeNumber } from '../../core/fault-codes.js';
export type { Signature, SignatureType } from '../signature.js';
// What handlers throw and return, so that `xmlrpc-ts/server` alone is enough to write a service.
export { AbortError, DecodeError, EncodeError, Fault, HttpError, NetworkError, OptionError, TimeoutError, XmlRpcError } from '../../core/errors.js';
export { TypedValue, XmlRpcDateTime, asBase64, asBigDecimal, asBoolean, asDateTime, asDouble, asI8, asInt, asNil, asString } from '../../core/values.js';
export type { XmlRpcArray, XmlRpcStruct, XmlRpcValue } from '../../core/values.js';
