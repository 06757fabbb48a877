/**
 * Our decode of a workload against `JSON.parse` of the same values (UTF-8 bytes in, as a decoder
 * gets them), in one fresh process: 7 interleaved rounds of about 150 ms each, medians. The
 * codec bench's reference row swings with the garbage its other peers leave (`JSON.parse` of the
 * 10k structs read 768 and 1,452 MB/s in two runs minutes apart); this check has no other peer
 * in the process. Not part of `npm run bench`.
 *
 *   npm run build && node bench/codec/decode-ratio.js [workload] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeResponse } from 'xmlrpc-ts/codec';
import { makeWorkload } from './workloads.js';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'structs10k';
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
const ROUNDS = 7;
const SAMPLE_MS = 150;

if (process.env.DECODE_RATIO_CHILD === '1') {
  const w = makeWorkload(name);
  if (w.kind !== 'response') throw new Error(`${name} is not a response workload`);
  const json = Buffer.from(JSON.stringify(w.value), 'utf8');
  const time = (f) => {
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < SAMPLE_MS) {
      f();
      n++;
    }
    return (performance.now() - t) / n;
  };
  const jsonMs = [];
  const oursMs = [];
  for (let r = 0; r < ROUNDS; r++) {
    jsonMs.push(time(() => JSON.parse(json.toString('utf8'))));
    oursMs.push(time(() => decodeResponse(w.bytes)));
  }
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  console.log(JSON.stringify({ json: median(jsonMs), ours: median(oursMs) }));
} else {
  for (let run = 1; run <= runs; run++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { env: { ...process.env, DECODE_RATIO_CHILD: '1' }, encoding: 'utf8' });
    const { json, ours } = JSON.parse(out);
    console.log(`${name}, process ${run}: JSON.parse ${json.toFixed(2)} ms, ours ${ours.toFixed(2)} ms: ours ÷ JSON.parse ${((json / ours) * 100).toFixed(1)} % (target 15 %)`);
  }
}
