// The module build/docs-page.mjs generates beside the compiled renderer.
/** The page's script: lib/server/docs/browser/try-it.ts, bundled and minified (ASCII). */
export declare const PAGE_SCRIPT: string;
/** The page's stylesheet: lib/server/docs/page.css, minified (ASCII). */
export declare const PAGE_STYLE: string;
