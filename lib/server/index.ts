/**
 * `xmlrpc-ts/server`: the portable dispatcher and system methods, the cross-site policy and Basic
 * auth (used by every face), and the node:http face (`createServer`). Named re-exports only.
 */
export { XmlRpcServer, createServer, SERVER_DEFAULTS, SERVER_OPTION_NAMES } from './server.js';
export type { ServerOptions, RequestListener } from './server.js';
export type { HttpOptions } from './node/options.js';
export { DISPATCHER_DEFAULTS, XmlRpcDispatcher } from './dispatcher.js';
export type { AddMethodsOptions, DispatcherOptions, MulticallOptions } from './dispatcher.js';
export type { MethodHandler, MethodInfo, MethodOptions, MethodRegistry } from './registry.js';
export type { SystemMethodsOptions } from './system.js';
export { DOCS_PAGE_CSP, DOCS_PAGE_HEADERS, docsPageHandler, docsPageInfo, renderDocsPage, wantsDocsPage } from './docs-page.js';
export type { DocsPageInfo, DocsPageMethod, DocsPageOptions, DocsPageRequest } from './docs-page.js';
export { basicAuth } from './auth.js';
export type { AuthenticateHook, AuthHeaders, AuthRequest, BasicAuthOptions, PasswordCheck } from './auth.js';
export { checkCrossSite, createCrossSitePolicy, isLoopbackAddress } from './policy.js';
export type { CrossSiteOptions, CrossSitePolicy, CrossSiteRequest, CrossSiteVerdict } from './policy.js';
export { currentCall, findCurrentCall, useCallContextStorage } from './context.js';
export type { CallContext, CallContextStorage, DispatchContext, RequestHeaders } from './context.js';
export { FaultCode } from '../core/fault-codes.js';
export type { FaultCodeNumber } from '../core/fault-codes.js';
export type { Signature, SignatureType } from './signature.js';
export { FETCH_HANDLER_DEFAULTS, createFetchHandler } from './fetch.js';
export type { FetchHandler, FetchHandlerOptions } from './fetch.js';
