/**
 * A/B of the encoder alone on chosen workloads (ab.js runs every workload, decode too):
 *
 *   npm run build && node --expose-gc bench/codec/ab-encode.js --old <old dist/index.js> [workload…] [--budget-ms 3000] [--control]
 *
 * Workloads default to structs10k and strings50k; each pair is measured in interleaved rounds.
 * `--control` times the old build a second time as a third entry of the same rounds (the same
 * functions: only the entry module is loaded again): its gap to "old" is the noise of that run,
 * to read the A/B against.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { timeInterleaved } from './measure.js';
import { makeWorkload } from './workloads.js';
import * as current from 'xmlrpc-ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { old: { type: 'string' }, 'budget-ms': { type: 'string', default: '3000' }, control: { type: 'boolean', default: false } },
});
if (values.old === undefined) {
  console.error('usage: node bench/codec/ab-encode.js --old <old dist/index.js> [workload…] [--control]');
  process.exit(2);
}
const oldUrl = pathToFileURL(resolve(values.old)).href;
const old = await import(oldUrl);
// A query loads the entry again (ESM caches by URL); what it imports is shared.
const control = values.control ? await import(`${oldUrl}?control`) : undefined;
const change = (ms, base) => `${ms >= base ? '+' : ''}${((ms / base - 1) * 100).toFixed(1)} %`;
const rows = [];
for (const name of positionals.length > 0 ? positionals : ['structs10k', 'strings50k']) {
  const w = makeWorkload(name);
  const encode = (lib) => (w.kind === 'call' ? () => lib.encodeCall(w.methodName, w.params) : () => lib.encodeResponse(w.value));
  const libs = [{ id: 'old', fn: encode(old) }, { id: 'new', fn: encode(current) }];
  if (control !== undefined) libs.push({ id: 'control', fn: encode(control) });
  const r = await timeInterleaved(libs, { budgetMs: Number(values['budget-ms']), maxRuns: 25, minRuns: 7 });
  const row = { workload: name, oldMs: +r.old.ms.toFixed(3), newMs: +r.new.ms.toFixed(3), change: change(r.new.ms, r.old.ms) };
  if (control !== undefined) row['control (old again)'] = change(r.control.ms, r.old.ms);
  rows.push(row);
}
console.table(rows);
