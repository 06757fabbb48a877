/**
 * The browser bundle of `xmlrpc-ts/client` (codec included): esbuild, browser platform, minified,
 * with code splitting as a browser build has it, then gzipped. The budget counts what a browser
 * loads when the client is imported: the entry and its static imports. What a call loads only on
 * demand (the fast-xml-parser reader behind `reader: 'fast-xml-parser'`) is a separate chunk,
 * printed but not counted, the same rule as spec-tests/codec/bundle.test.js. `node
 * bench/runtimes/bundle-size.js` prints the sizes; spec-tests/runtimes/bundle-size.test.js checks
 * the budget.
 */
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The target for the client's browser bundle (what loads at import), gzipped: 20 kB. */
export const CLIENT_BUNDLE_TARGET_BYTES = 20 * 1024;
/**
 * What the test holds the bundle to: the target itself. The speed-only paths of the decoder are
 * not in it (a browser bundle gets the stubs lib/codec/fast-decode-off.ts and fast-paths-off.ts,
 * by package.json `imports`).
 */
export const CLIENT_BUNDLE_BUDGET_BYTES = CLIENT_BUNDLE_TARGET_BYTES;

const ENTRY = fileURLToPath(new URL('../../dist/client/index.js', import.meta.url));

/**
 * The output files loaded when the entry is imported: the entry and its static imports,
 * transitively (dynamic imports load later, on demand).
 * @param {import('esbuild').Metafile} metafile
 */
export function loadedAtImport(metafile) {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined);
  const seen = new Set();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of outputs[file].imports) if (imp.kind === 'import-statement' && !imp.external) stack.push(imp.path);
  }
  return [...seen];
}

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
    splitting: true,
    outdir: 'bundle-size-out', // required by splitting; nothing is written
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // Metafile keys are relative to the working directory; output files carry absolute paths.
  const contents = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const byOutput = (name) => contents.get(resolve(name));
  const atImport = loadedAtImport(result.metafile);
  const code = Buffer.concat(atImport.map(byOutput));
  const all = Buffer.concat(Object.keys(result.metafile.outputs).filter((k) => k.endsWith('.js')).map(byOutput));
  const inputs = atImport
    .flatMap((file) => Object.entries(result.metafile.outputs[file].inputs))
    .map(([path, { bytesInOutput }]) => ({ path, bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput);
  return {
    minifiedBytes: code.byteLength,
    gzippedBytes: gzipSync(code, { level: 9 }).byteLength,
    files: atImport.length,
    allChunksGzippedBytes: gzipSync(all, { level: 9 }).byteLength,
    inputs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { minifiedBytes, gzippedBytes, files, allChunksGzippedBytes, inputs } = await clientBundleSize();
  console.log(`xmlrpc-ts/client browser bundle, loaded at import (${files} file${files === 1 ? '' : 's'}): ${minifiedBytes} bytes minified, ${gzippedBytes} bytes gzipped (guard ${CLIENT_BUNDLE_BUDGET_BYTES}, target ${CLIENT_BUNDLE_TARGET_BYTES})`);
  console.log(`  with the chunks loaded on demand: ${allChunksGzippedBytes} bytes gzipped`);
  for (const { path, bytesInOutput } of inputs.slice(0, 12)) console.log(`  ${String(bytesInOutput).padStart(8)}  ${path}`);
}
