/**
 * Import time: how long a fresh Node process takes to import `xmlrpc-ts/codec`, the client, the
 * server and the whole package, above an empty start (`node --input-type=module -e ""`), and the
 * CLI's `--version` in all. Each figure is the median of `--runs` fresh processes (the fastest run
 * is printed beside it); the targets take turns run by run, so load from other processes falls on
 * all of them alike. Targets (portable-core issue): the codec at most 15 ms
 * above an empty start, `xmlrpc-ts --version` at most 120 ms in all.
 *
 *   npm run build && node bench/codec/import-time.js [--runs 15] [--module SPEC ...] [--json]
 *
 * A one-line module is timed beside them: what any import costs on this machine and Node, which
 * the codec's figure includes (6-13 ms of it on a machine whose empty start is 100 ms).
 *
 * `--module` (repeatable) times other module specifiers or files instead of the package's entries,
 * e.g. an A/B of two builds: `--module ./dist/codec/index.js --module ../old/dist/codec/index.js`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import path from 'node:path';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, module: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new Error(`--runs must be an integer from 1 to 200, not ${values.runs}`);

/** A file path becomes a file: URL (relative to the current directory); a specifier stays as it is. */
const specifier = (m) => (m.startsWith('.') || m.startsWith('/') ? pathToFileURL(path.resolve(m)).href : m);
const importOf = (m) => ['--input-type=module', '-e', `await import(${JSON.stringify(specifier(m))})`];

const scratch = mkdtempSync(path.join(tmpdir(), 'xmlrpc-import-time-'));
const oneLine = path.join(scratch, 'one-line.mjs');
writeFileSync(oneLine, 'export const one = 1;\n');
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const bin = path.join(ROOT, pkg.bin['xmlrpc-ts']);
const floor = { name: 'import a one-line module', args: importOf(oneLine), above: true };
const targets = values.module !== undefined
  ? [floor, ...values.module.map((m) => ({ name: `import ${m}`, args: importOf(m), above: true }))]
  : [
      floor,
      { name: "import 'xmlrpc-ts/codec'", args: importOf('xmlrpc-ts/codec'), above: true, targetMs: 15 },
      { name: "import 'xmlrpc-ts/client'", args: importOf('xmlrpc-ts/client'), above: true },
      { name: "import 'xmlrpc-ts/server'", args: importOf('xmlrpc-ts/server'), above: true },
      { name: "import 'xmlrpc-ts'", args: importOf('xmlrpc-ts'), above: true },
      { name: 'xmlrpc-ts --version', args: [bin, '--version'], above: false, targetMs: 120 },
    ];
const empty = { name: 'node -e ""', args: ['--input-type=module', '-e', ''] };

function wallMs(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.slice(0, 300)}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const all = [empty, ...targets];
for (const t of all) wallMs(t.args); // warm the file cache once
const times = new Map(all.map((t) => [t, []]));
for (let i = 0; i < runs; i++) {
  for (const t of all) times.get(t).push(wallMs(t.args));
}
const emptyMs = median(times.get(empty));
const emptyMinMs = Math.min(...times.get(empty));
const rows = targets.map((t) => {
  const ms = median(times.get(t));
  const figure = t.above ? ms - emptyMs : ms;
  // The fastest run of each, against the fastest empty start: steadier than the medians on a
  // shared machine whose start time jumps between two levels (+-10 ms here), so printed beside them.
  const minMs = Math.min(...times.get(t));
  return {
    what: t.name,
    medianMs: +ms.toFixed(1),
    aboveEmptyMs: t.above ? +figure.toFixed(1) : undefined,
    minMs: +minMs.toFixed(1),
    minAboveEmptyMs: t.above ? +(minMs - emptyMinMs).toFixed(1) : undefined,
    targetMs: t.targetMs,
    met: t.targetMs === undefined ? undefined : figure <= t.targetMs,
  };
});
const result = { node: process.version, runs, emptyMedianMs: +emptyMs.toFixed(1), emptyMinMs: +emptyMinMs.toFixed(1), rows };
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`import time, ${process.version}, ${runs} fresh processes each; empty start: median ${result.emptyMedianMs} ms, fastest ${result.emptyMinMs} ms`);
  console.table(rows.map((r) => ({
    what: r.what,
    'median ms': r.medianMs,
    'above empty ms': r.aboveEmptyMs ?? '',
    'fastest ms': r.minMs,
    'fastest above fastest empty': r.minAboveEmptyMs ?? '',
    target: r.targetMs === undefined ? '' : `${r.aboveEmptyMs === undefined ? '' : '+'}${r.targetMs} ms`,
    met: r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  })));
}
