/**
 * Import time of `xmlrpc-ts/codec`: the median of 10 fresh `node -e "await import(...)"` runs
 * minus the median of 10 empty `node -e ""` runs, interleaved so load from other processes falls
 * on both alike. The target (portable-core issue) is at most 15 ms above an empty start.
 *
 *   npm run build && node bench/codec/import-time.js [--runs 10] [--module xmlrpc-ts/codec]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, module: { type: 'string', default: 'xmlrpc-ts/codec' } } });
const runs = Number(values.runs);

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

const importArgs = ['--input-type=module', '-e', `await import(${JSON.stringify(values.module)})`];
const emptyArgs = ['--input-type=module', '-e', ''];
wallMs(importArgs); // warm the file cache once
const empty = [];
const imported = [];
for (let i = 0; i < runs; i++) {
  empty.push(wallMs(emptyArgs));
  imported.push(wallMs(importArgs));
}
const result = {
  module: values.module,
  runs,
  emptyMedianMs: +median(empty).toFixed(1),
  importMedianMs: +median(imported).toFixed(1),
  importCostMs: +(median(imported) - median(empty)).toFixed(1),
};
console.log(JSON.stringify(result));
