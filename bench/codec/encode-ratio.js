/**
 * The encode targets of the performance issue in one run: our encode against `JSON.stringify`
 * of the same values (interleaved, in this process) and against CPython's `xmlrpc.client.dumps`
 * (bench/codec/cpython_peer.py, run once before and once after the JS rounds, so a change in the
 * machine's load shows as a gap between the two). Not part of `npm run bench`.
 *
 *   npm run build && node --expose-gc bench/codec/encode-ratio.js [workload…] [--budget-ms 3000] [--decode]
 *
 * `--decode` times our decode of the workload's bytes against CPython's `loads` instead, with no
 * other peer in the process (the codec bench's process holds the heap its peers grew, which makes
 * each multi-megabyte allocation dearer; base64 shows it most). Its JSON column is `JSON.parse`
 * where the workload has a JSON form.
 *
 * Workloads default to structs10k and strings50k. MB/s credits every encoder with the size of
 * our document, so a ratio of MB/s is a ratio of times. "flattened" reads one character of our
 * result, which makes V8 copy a rope into one flat string (Python and JSON return flat strings).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { timeInterleaved } from './measure.js';
import { JS_IMPLEMENTATIONS } from './peers.js';
import { makeWorkload } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'budget-ms': { type: 'string', default: '3000' }, decode: { type: 'boolean', default: false } } });
const op = values.decode ? 'decode' : 'encode';
const rules = { minRuns: 3, maxRuns: 9, budgetMs: Number(values['budget-ms']), minSampleMs: 150 };
const workloads = (positionals.length > 0 ? positionals : ['structs10k', 'strings50k']).map(makeWorkload);

function runPython() {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-encode-ratio-'));
  try {
    const list = workloads.map((w) => {
      const path = join(dir, `${w.name}.xml`);
      writeFileSync(path, w.bytes);
      return { name: w.name, kind: w.kind, path };
    });
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ workloads: list, ...rules }));
    const r = spawnSync('python3', [join(here, 'cpython_peer.py'), manifest], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.error || r.status !== 0) return { error: String(r.error ?? r.stderr).slice(0, 200) };
    return JSON.parse(r.stdout).results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mbps = (bytes, ms) => (ms === undefined ? NaN : bytes / 1e6 / (ms / 1000));
const before = runPython();
const rows = [];
// Ours and V8's JSON as the codec bench defines them (peers.js), so the two tools time the same thing.
const peer = (id) => JS_IMPLEMENTATIONS.find((impl) => impl.id === id);
const [ours, json] = [peer('ours'), peer('json')];
for (const w of workloads) {
  const candidates = [{ id: 'ours', fn: () => ours[op](w) }];
  if (op === 'encode') candidates.push({ id: 'flat', fn: () => ours.encode(w).charCodeAt(0) });
  if (json.only.includes(w.name)) candidates.push({ id: 'json', fn: () => json[op](w) });
  rows.push({ w, r: await timeInterleaved(candidates, rules) });
}
const after = runPython();
const py = (res, name) => res.error === undefined ? res[name]?.[op]?.ms : undefined;
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : 2) : '—');
console.log(op === 'decode'
  ? '| workload | ours | — | JSON.parse | CPython loads (before / after) | ours ÷ CPython | ours ÷ JSON |'
  : '| workload | ours | ours, flattened | JSON.stringify | CPython dumps (before / after) | ours ÷ CPython | ours ÷ JSON |');
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const { w, r } of rows) {
  const size = w.bytes.length;
  const o = mbps(size, r.ours.ms);
  const j = mbps(size, r.json?.ms);
  const p1 = mbps(size, py(before, w.name));
  const p2 = mbps(size, py(after, w.name));
  const pMean = (p1 + p2) / 2;
  console.log(`| ${w.name} | ${fmt(o)} | ${fmt(mbps(size, r.flat?.ms))} | ${fmt(j)} | ${fmt(p1)} / ${fmt(p2)} | ${fmt(o / pMean)}× | ${Number.isFinite(j) ? `${fmt((o / j) * 100)} %` : '—'} |`);
}
if (before.error !== undefined) console.log(`CPython failed: ${before.error}`);
