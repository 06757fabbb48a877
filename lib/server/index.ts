/** The XML-RPC server: dispatcher, system methods, HTTP layer. Re-exports only. */
export { XmlRpcServer, createServer } from './server.js';
export type { ServerOptions, RequestListener } from './server.js';
export { XmlRpcDispatcher } from './dispatcher.js';
export type { AddMethodsOptions, DispatcherOptions, MethodHandler, MethodInfo, MethodOptions, MulticallOptions } from './dispatcher.js';
export type { SystemMethodsOptions } from './system.js';
export type { AuthenticateHook, HttpOptions } from './http.js';
export { DOCS_PAGE_CSP, DOCS_PAGE_HEADERS, docsPageHandler, docsPageInfo, renderDocsPage, wantsDocsPage } from './docs-page.js';
export type { DocsPageInfo, DocsPageMethod, DocsPageOptions, DocsPageRequest } from './docs-page.js';
export { basicAuth } from './auth.js';
export type { BasicAuthOptions, PasswordCheck } from './auth.js';
export { currentCall, findCurrentCall } from './context.js';
export type { CallContext, DispatchContext } from './context.js';
export { FaultCode } from './faults.js';
export type { Signature, SignatureType } from './signature.js';
