/**
 * The browser bundle of `xmlrpc-ts/client` (codec included): esbuild, browser platform, minified,
 * then gzipped. `node bench/runtimes/bundle-size.js` prints the sizes; the budget is checked by
 * spec-tests/runtimes/bundle-size.test.js.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The gzipped size budget of the client's browser bundle, in bytes (issue: every runtime). */
export const CLIENT_BUNDLE_BUDGET_BYTES = 20 * 1024;

const ENTRY = fileURLToPath(new URL('../../dist/client/index.js', import.meta.url));

/**
 * Bundles `export * from 'xmlrpc-ts/client'` (everything a user can import, so nothing is
 * tree-shaken away) for the browser and measures it. Throws esbuild's errors (a `node:` import
 * on the client's path is one).
 */
export async function clientBundleSize() {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(ENTRY)};`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput);
  return { minifiedBytes: code.byteLength, gzippedBytes: gzipSync(code, { level: 9 }).byteLength, inputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { minifiedBytes, gzippedBytes, inputs } = await clientBundleSize();
  console.log(`xmlrpc-ts/client browser bundle: ${minifiedBytes} bytes minified, ${gzippedBytes} bytes gzipped (budget ${CLIENT_BUNDLE_BUDGET_BYTES})`);
  for (const { path, bytesInOutput } of inputs.slice(0, 12)) console.log(`  ${String(bytesInOutput).padStart(8)}  ${path}`);
}
