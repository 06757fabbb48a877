/**
 * `xmlrpc-ts/server`: the portable part (dispatcher, system methods, cross-site policy, Basic auth,
 * the fetch handler, the docs page renderer; curated by name in ./fetch/index.ts, which is what
 * Web runtimes get), plus the node:http face (`createServer`).
 */
export * from './fetch/index.js';
export { XmlRpcServer, createServer, SERVER_DEFAULTS, SERVER_OPTION_NAMES } from './server.js';
export type { ServerOptions, RequestListener } from './server.js';
export type { HttpOptions } from './node/options.js';
export { docsPageHandler } from './docs-page.js';
