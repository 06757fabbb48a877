// The module build/docs-page.mjs generates beside the compiled renderer.
/** The CSP source of the page's inline script, `'sha256-…'`. */
export declare const PAGE_SCRIPT_HASH: string;
/** The CSP source of the page's inline stylesheet, `'sha256-…'`. */
export declare const PAGE_STYLE_HASH: string;
