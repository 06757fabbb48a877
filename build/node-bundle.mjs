// Builds what Node loads (and Deno and Bun, which match the "node" export condition too): the
// package's entry points bundled from tsc's output in dist/ into dist/bundle/, so that
// `import 'xmlrpc-ts/codec'` reads two files instead of twenty. Resolving, reading and compiling
// each module file is what import time is made of; our code that runs at import takes under
// 0.5 ms (docs/performance.md, "Import time").
//
//   dist/bundle/core.js   the codec and what it imports (lib/codec, lib/core, lib/node), one file
//   dist/bundle/codec.js  xmlrpc-ts/codec: its curated names, re-exported from core.js
//   dist/bundle/{index,client,server,contract,cli-run}.js and chunk-*.js: the rest, split by
//       esbuild into chunks they share; each imports the codec from core.js
//   dist/bundle/cli.cjs   the executable, CommonJS and one file: `--version` reads package.json
//       and starts no ES module loader; a command imports ./cli-run.js
//
// Every Node entry is built here, over one core.js and one set of chunks, so a class exists once
// however it is imported: the `Fault` of `xmlrpc-ts/codec` is the one the server and the CLI
// check for. Browsers and Workers keep the per-module build, whose `#…` imports pick their
// stand-ins. Dependencies (undici, xmlbuilder2, fast-xml-parser) stay imports, loaded from
// node_modules when first used, as before. Run by `npm run build`, after tsc and docs-page.mjs.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'bundle');

/** Bundle file name → the tsc output it starts from. Flat: every file sits two levels below the root. */
const NODE_ENTRIES = {
  index: 'index.js',
  codec: 'codec/index.js',
  client: 'client/index.js',
  server: 'server/index.js',
  contract: 'contract/index.js',
  // The CLI's commands, which the executable (cli.cjs, below) loads with import().
  'cli-run': 'cli/cli.js',
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node20.19'],
  conditions: ['node'],
  // undici, xmlbuilder2, fast-xml-parser: imported at run time, from the user's node_modules.
  packages: 'external',
  // Bundling may rename a class (XmlRpcDateTime became _XmlRpcDateTime); users see class names
  // in stack traces, console.log and error.constructor.name, so they keep theirs.
  keepNames: true,
  // The maps lead through tsc's to lib/*.ts, which the package ships: no second copy inside them.
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  logLimit: 5,
};

/** The modules `xmlrpc-ts/codec` imports statically (not those it loads on first use), by absolute path. */
async function codecClosure() {
  const entry = join(dist, NODE_ENTRIES.codec);
  const { metafile } = await build({ ...common, entryPoints: [entry], write: false, outdir: out, splitting: true, sourcemap: false });
  const inputs = metafile.inputs;
  const seen = new Set();
  const walk = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of inputs[path].imports) if (i.kind === 'import-statement' && !i.external) walk(i.path);
  };
  walk(relative(process.cwd(), entry).split('\\').join('/'));
  return [...seen].map((p) => join(process.cwd(), p));
}

/**
 * What core.js re-exports: each name of each closure module, once. A name two modules export as
 * different things (the portable and the Node `NATIVE_BASE64`) is internal to the codec and left
 * out; should a module outside core.js import one, the link check at the end fails the build.
 */
async function barrel(modules) {
  const owner = new Map();
  const clashes = new Set();
  for (const file of modules) {
    const ns = await import(pathToFileURL(file).href);
    for (const [name, value] of Object.entries(ns)) {
      const seen = owner.get(name);
      if (seen === undefined) owner.set(name, { file, value });
      else if (seen.value !== value) clashes.add(name);
    }
  }
  const byFile = new Map(modules.map((file) => [file, []]));
  for (const [name, { file }] of owner) if (!clashes.has(name)) byFile.get(file).push(name);
  return [...byFile].filter(([, names]) => names.length > 0).map(([file, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(file)};`).join('\n');
}

const closure = await codecClosure();
const inCore = new Set(closure);
const barrelText = await barrel(closure);
rmSync(out, { recursive: true, force: true });

// Stage 1: core.js, one file. What the codec loads on first use (the fast-xml-parser reader)
// stays a separate file, built in stage 2 under its own name next to core.js.
const lazyFromCore = new Set();
await build({
  ...common,
  stdin: {
    contents: barrelText,
    resolveDir: root,
    sourcefile: 'core-barrel.js',
  },
  outfile: join(out, 'core.js'),
  plugins: [{
    name: 'lazy-stays-out',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const target = join(args.resolveDir, args.path);
        lazyFromCore.add(target);
        return { path: `./${basename(target)}`, external: true };
      });
    },
  }],
});

/**
 * Stage 2 resolves every import as esbuild would, then sends those that land in the codec's
 * closure to core.js instead of bundling a second copy.
 */
const toCore = {
  name: 'codec-from-core',
  setup(b) {
    b.onResolve({ filter: /^[.#]/ }, async (args) => {
      if (args.pluginData?.ownResolve === true) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { ownResolve: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return inCore.has(resolved.path) ? { path: './core.js', external: true } : resolved;
    });
  },
};

/**
 * The client names its undici transport through a variable so that browser bundlers leave it out
 * (lib/client/pick-transport.ts). Here it is wanted, as a chunk loaded on first use: the plugin
 * turns that one import into a literal one, and fails the build if the line is not found.
 */
const undiciChunk = {
  name: 'undici-transport-chunk',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]client[\\/]pick-transport\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = 'import(UNDICI_TRANSPORT_MODULE)';
      if (!text.includes(from)) throw new Error(`${args.path}: "${from}" not found; update build/node-bundle.mjs`);
      return { contents: text.replace(from, "import('./undici/transport.js')"), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// codec.js is only re-exports of core.js, written here: an esbuild entry would also import the
// chunk that holds esbuild's own helpers, a third file for every `import 'xmlrpc-ts/codec'`.
const codecNames = Object.keys(await import(pathToFileURL(join(dist, NODE_ENTRIES.codec)).href));
writeFileSync(join(out, 'codec.js'), `// xmlrpc-ts/codec on Node: built by build/node-bundle.mjs from ${NODE_ENTRIES.codec}.\nexport { ${codecNames.join(', ')} } from './core.js';\n`);

const entries = Object.fromEntries(Object.entries(NODE_ENTRIES).filter(([name]) => name !== 'codec').map(([name, file]) => [name, join(dist, file)]));
for (const file of lazyFromCore) entries[basename(file, '.js')] = file;
const result = await build({
  ...common,
  entryPoints: entries,
  outdir: out,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [toCore, undiciChunk],
});

// Stage 3: the executable, CommonJS (lib/cli/main.cts says why), with the version module inlined
// and its one import() of the CLI pointed at cli-run.js.
await build({
  ...common,
  entryPoints: [join(dist, 'cli/main.cjs')],
  outfile: join(out, 'cli.cjs'),
  format: 'cjs',
  plugins: [{
    name: 'cli-run',
    setup(b) {
      b.onResolve({ filter: /^\.\/cli\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './cli-run.js', external: true } : undefined));
    },
  }],
});
const bin = readFileSync(join(out, 'cli.cjs'), 'utf8');
if (!bin.startsWith('#!/usr/bin/env node\n')) throw new Error('dist/bundle/cli.cjs lost its #! line');
if (!bin.includes('import("./cli-run.js")')) throw new Error('dist/bundle/cli.cjs does not import ./cli-run.js');

// Every entry links: each name a chunk takes from core.js is there (ESM checks at link time).
for (const name of Object.keys(NODE_ENTRIES)) await import(pathToFileURL(join(out, `${name}.js`)).href);

if (process.argv.includes('--report')) {
  console.log(`core.js: ${closure.length} modules: ${closure.map((f) => relative(dist, f)).join(', ')}`);
  for (const [path, { bytes, imports }] of Object.entries(result.metafile.outputs)) {
    if (path.endsWith('.map')) continue;
    const statics = imports.filter((i) => i.kind === 'import-statement' && !i.path.includes('/')).map((i) => i.path);
    console.log(`${String(bytes).padStart(7)}  ${basename(path)}${statics.length > 0 ? `  imports ${statics.join(', ')}` : ''}`);
  }
}
