/**
 * A/B of two builds of the codec in one process, on the codec bench's workloads: decode (UTF-8
 * bytes → values) and encode (values → string), each pair measured in interleaved rounds so load
 * from other processes falls on both alike. Prints new/old per workload; the rule is "within 3 %,
 * or explain".
 *
 *   npm run build && node bench/codec/ab.js --old /path/to/old/dist/index.js [--budget-ms 3000]
 *     [--new /path/to/new/dist/index.js] [--only structs10k,base64-py] [--op decode]
 *
 * Build the old side from a checkout of the base commit (`npm run build` there, with its own
 * node_modules) and pass its dist/index.js.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { timeInterleaved } from './measure.js';
import { makeWorkloads } from './workloads.js';

const { values } = parseArgs({ options: { old: { type: 'string' }, 'budget-ms': { type: 'string', default: '3000' }, only: { type: 'string' }, new: { type: 'string' }, op: { type: 'string' } } });
const only = values.only?.split(',');
if (values.old === undefined) {
  console.error('usage: node bench/codec/ab.js --old <old dist/index.js>');
  process.exit(2);
}
const old = await import(pathToFileURL(resolve(values.old)).href);
// --new: another build than this checkout's dist/ (a snapshot, so a rebuild cannot change it mid-run).
const current = await import(values.new === undefined ? 'xmlrpc-ts' : pathToFileURL(resolve(values.new)).href);
const budgetMs = Number(values['budget-ms']);

const rows = [];
for (const w of makeWorkloads().filter((x) => only === undefined || only.includes(x.name))) {
  const decode = (lib) => (w.kind === 'call' ? () => lib.decodeCall(w.bytes) : () => lib.decodeResponse(w.bytes));
  const encode = (lib) => (w.kind === 'call' ? () => lib.encodeCall(w.methodName, w.params) : () => lib.encodeResponse(w.value));
  for (const [op, make] of [['decode', decode], ['encode', encode]].filter(([o]) => values.op === undefined || values.op === o)) {
    const r = await timeInterleaved([{ id: 'old', fn: make(old) }, { id: 'new', fn: make(current) }], { budgetMs, maxRuns: 15, minRuns: 5 });
    const ratio = r.new.ms / r.old.ms;
    rows.push({ workload: w.name, op, oldMs: +r.old.ms.toFixed(3), newMs: +r.new.ms.toFixed(3), change: `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %` });
  }
}
console.table(rows);
