// The long fuzz run (`npm run fuzz`): the properties of fuzz.test.js with many more cases.
// Unlike the CI test it does not stop at the first failure: failures are grouped by kind and the
// shortest input of each kind is printed, so one run shows every distinct bug it met.
//
//   node spec-tests/security/fuzz-long.js [--runs 1000000] [--seed 42] [--only tokens,mutated] [--json]
//
// Exit status 0 when every case passed, 1 otherwise.
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  fc, valuePair, encodeOptions, methodNameArb, randomBytes, tokenDocument, mutatedDocument, dispatchBody,
  checkRoundTrip, checkHostileInput, checkDispatch, fuzzDispatcher,
} from './properties.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const totalRuns = Number(args.runs);
const seed = Number(args.seed);
if (!Number.isSafeInteger(totalRuns) || totalRuns < 1) throw new RangeError(`--runs must be a positive integer, got ${args.runs}`);

const dispatcher = fuzzDispatcher();

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
/** Heap in use after full collections: it must come back to where it was (no growth from decoding). */
function settledHeap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Each property: its share of the runs, what it generates, and the check of one case. */
const PROPERTIES = {
  roundtrip: { share: 0.2, arb: fc.tuple(valuePair, encodeOptions, methodNameArb), check: ([p, o, m]) => checkRoundTrip(p, o, m) },
  bytes: { share: 0.15, arb: randomBytes, check: checkHostileInput },
  tokens: { share: 0.25, arb: tokenDocument, check: checkHostileInput },
  mutated: { share: 0.3, arb: mutatedDocument, check: checkHostileInput },
  dispatch: { share: 0.1, arb: dispatchBody, check: (body) => checkDispatch(dispatcher, body) },
};

const selected = args.only === undefined ? Object.keys(PROPERTIES) : args.only.split(',');
for (const name of selected) if (!(name in PROPERTIES)) throw new RangeError(`unknown property ${name}; one of ${Object.keys(PROPERTIES).join(', ')}`);
const shareSum = selected.reduce((s, n) => s + PROPERTIES[n].share, 0);

/** A failure's kind: its message without positions, numbers and the input. */
function kindOf(error) {
  return String(error?.message ?? error)
    .replace(/ for (".*|bytes .*)$/s, '')
    .replace(/ at (?:params|methodName|fault).*?(?= \(line|\)$|$)/s, '')
    .replace(/ ?\(line \d+, column \d+\)/g, '')
    .replace(/\d+/g, 'N')
    .slice(0, 240);
}

function size(input) {
  if (Array.isArray(input)) return JSON.stringify(input, (k, v) => (typeof v === 'bigint' ? String(v) : v))?.length ?? 0;
  return typeof input === 'string' ? input.length : input?.byteLength ?? 0;
}

const BATCH = 5000;
const report = { seed, runs: 0, failures: 0, ms: 0, slowestCaseMs: 0, properties: {} };
const heapBefore = settledHeap();
const started = performance.now();
for (const name of selected) {
  const { arb, check, share } = PROPERTIES[name];
  const runs = Math.max(1, Math.round((totalRuns * share) / shareSum));
  const kinds = new Map();
  const t0 = performance.now();
  let failures = 0;
  for (let done = 0, batch = 0; done < runs; done += BATCH, batch++) {
    const inputs = fc.sample(arb, { numRuns: Math.min(BATCH, runs - done), seed: seed + batch * 7919 + name.length });
    for (const input of inputs) {
      const t = performance.now();
      try {
        await check(input);
      } catch (error) {
        failures++;
        const kind = kindOf(error);
        const seen = kinds.get(kind);
        if (seen === undefined) kinds.set(kind, { count: 1, size: size(input), example: String(error?.message ?? error).slice(0, 1200) });
        else {
          seen.count++;
          if (size(input) < seen.size) Object.assign(seen, { size: size(input), example: String(error?.message ?? error).slice(0, 1200) });
        }
      }
      report.slowestCaseMs = Math.max(report.slowestCaseMs, performance.now() - t);
    }
    if (!args.json) process.stderr.write(`\r${name}: ${Math.min(done + BATCH, runs)}/${runs}, ${failures} failed   `);
  }
  const ms = performance.now() - t0;
  if (!args.json) process.stderr.write('\n');
  report.properties[name] = {
    runs, failures, ms: Math.round(ms),
    kinds: [...kinds.entries()].sort((a, b) => b[1].count - a[1].count).map(([kind, k]) => ({ kind, count: k.count, example: k.example })),
  };
  report.runs += runs;
  report.failures += failures;
}
report.ms = Math.round(performance.now() - started);
report.slowestCaseMs = Math.round(report.slowestCaseMs);
report.heapBeforeMiB = +(heapBefore / 2 ** 20).toFixed(1);
report.heapAfterMiB = +(settledHeap() / 2 ** 20).toFixed(1);

if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`fuzz: ${report.runs} cases in ${(report.ms / 1000).toFixed(1)} s (seed ${seed}), ${report.failures} failed; ` +
    `slowest case ${report.slowestCaseMs} ms; heap ${report.heapBeforeMiB} MiB before, ${report.heapAfterMiB} MiB after`);
  for (const [name, p] of Object.entries(report.properties)) {
    console.log(`  ${name}: ${p.runs} cases, ${p.failures} failed, ${(p.ms / 1000).toFixed(1)} s`);
    for (const k of p.kinds) console.log(`    ${k.count} × ${k.kind}\n      e.g. ${k.example.replace(/\n/g, '\\n')}`);
  }
}
process.exitCode = report.failures === 0 ? 0 : 1;
