/** The docs page on a node:http server (Express and other frameworks on it included). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { XmlRpcDispatcher } from '../dispatcher.js';
import { DOCS_PAGE_HEADERS, checkDocsPageOptions, docsPageInfo, renderDocsPage, wantsDocsPage, type DocsPageOptions } from './render.js';

/**
 * The path the browser asked for. Express and Connect strip their mount point from `url` and
 * keep the full one in `originalUrl`: the page must name the endpoint the browser can call.
 */
function requestPath(request: IncomingMessage): string {
  const { originalUrl } = request as IncomingMessage & { originalUrl?: unknown };
  const url = typeof originalUrl === 'string' ? originalUrl : request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Answers a browser's GET (or HEAD) with the documentation page of `dispatcher`, under a strict
 * Content-Security-Policy; returns false, writing nothing, when the request is not for the page
 * (see {@link wantsDocsPage}) or there is no dispatcher. It decides at once and writes the page
 * when it is rendered (the first render loads the HTML builder). Routing and authentication are
 * the caller's: pass the dispatcher that serves the request's path.
 * @group Server
 */
export function docsPageHandler(
  request: IncomingMessage,
  response: ServerResponse,
  dispatcher: XmlRpcDispatcher | undefined,
  options: DocsPageOptions = {},
): boolean {
  if (dispatcher === undefined || !wantsDocsPage(request)) return false;
  const info = docsPageInfo(dispatcher, checkDocsPageOptions(options), requestPath(request));
  renderDocsPage(info).then(
    (page) => {
      const bytes = new TextEncoder().encode(page);
      response.writeHead(200, { ...DOCS_PAGE_HEADERS, 'Content-Length': bytes.length });
      if (request.method === 'HEAD') response.end();
      else response.end(bytes);
    },
    () => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('the documentation page could not be rendered\n');
    },
  );
  return true;
}
