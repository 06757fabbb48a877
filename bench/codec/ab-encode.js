/**
 * A/B of the encoder alone on chosen workloads (ab.js runs every workload, decode too):
 *
 *   npm run build && node --expose-gc bench/codec/ab-encode.js --old <old dist/index.js> [workload…] [--budget-ms 3000]
 *
 * Workloads default to structs10k and strings50k; each pair is measured in interleaved rounds.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { timeInterleaved } from './measure.js';
import { makeWorkload } from './workloads.js';
import * as current from '../../dist/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { old: { type: 'string' }, 'budget-ms': { type: 'string', default: '3000' } } });
if (values.old === undefined) {
  console.error('usage: node bench/codec/ab-encode.js --old <old dist/index.js> [workload…]');
  process.exit(2);
}
const old = await import(pathToFileURL(resolve(values.old)).href);
const rows = [];
for (const name of positionals.length > 0 ? positionals : ['structs10k', 'strings50k']) {
  const w = makeWorkload(name);
  const encode = (lib) => (w.kind === 'call' ? () => lib.encodeCall(w.methodName, w.params) : () => lib.encodeResponse(w.value));
  const r = await timeInterleaved([{ id: 'old', fn: encode(old) }, { id: 'new', fn: encode(current) }], { budgetMs: Number(values['budget-ms']), maxRuns: 25, minRuns: 7 });
  const ratio = r.new.ms / r.old.ms;
  rows.push({ workload: name, oldMs: +r.old.ms.toFixed(3), newMs: +r.new.ms.toFixed(3), change: `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %` });
}
console.table(rows);
