/**
 * The HTML documentation page a browser gets on GET. The portable renderer is in
 * docs/render.ts, the node:http face in docs/node.ts, the page's browser script in
 * docs/browser/ and its stylesheet in docs/page.css (both built by build/docs-page.mjs).
 */
export {
  DOCS_PAGE_CSP,
  DOCS_PAGE_HEADERS,
  checkDocsPageOptions,
  docsPageInfo,
  formatSignature,
  renderDocsPage,
  wantsDocsPage,
} from './docs/render.js';
export type { DocsPageInfo, DocsPageMethod, DocsPageOptions, DocsPageRequest } from './docs/render.js';
export { docsPageHandler } from './docs/node.js';
