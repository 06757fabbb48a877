// The long fuzz run (`npm run fuzz`): the properties of fuzz.test.js with many more cases.
// Unlike the CI test it does not stop at the first failure: failures are grouped by kind and the
// shortest input of each kind is printed, so one run shows every distinct bug it met.
//
//   node spec-tests/security/fuzz-long.js [--runs 1000000] [--seed 42] [--only tokens,mutated] [--json]
//
// Properties: roundtrip, bytes, tokens, mutated, dispatch and http. The http cases go, one at a
// time, to one server on 127.0.0.1 started for the whole run (and closed at its end); after each
// batch the server must still answer a plain call. Should the server crash the process, the case
// that was running is printed before Node exits.
//
// Exit status 0 when every case passed, 1 otherwise.
import http from 'node:http';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  fc, valuePair, encodeOptions, methodNameArb, randomBytes, tokenDocument, mutatedDocument, dispatchBody,
  checkRoundTrip, checkHostileInput, checkDispatch, fuzzDispatcher,
  fuzzServer, framing, httpBody, checkHttp, checkStillServing, show,
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

/** The running server of the http property, set by its `start`. */
const web = { server: undefined, agent: undefined, port: 0 };

/**
 * Each property: its share of the runs, what it generates, and the check of one case; optionally
 * the size of an input (for the shortest example), `start` and `stop` around its runs, and a check
 * after each batch.
 */
const PROPERTIES = {
  roundtrip: { share: 0.2, arb: fc.tuple(valuePair, encodeOptions, methodNameArb), check: ([p, o, m]) => checkRoundTrip(p, o, m) },
  bytes: { share: 0.15, arb: randomBytes, check: checkHostileInput },
  tokens: { share: 0.25, arb: tokenDocument, check: checkHostileInput },
  mutated: { share: 0.25, arb: mutatedDocument, check: checkHostileInput },
  dispatch: { share: 0.1, arb: dispatchBody, check: (body) => checkDispatch(dispatcher, body) },
  http: {
    share: 0.05,
    arb: fc.tuple(httpBody, framing),
    size: ([body]) => size(body),
    // checkHttp's messages do not name the input (fast-check shows it in CI); here they must.
    check: ([body, how]) => checkHttp(web.agent, web.port, body, how).catch((error) => {
      throw new Error(`${error?.message ?? error} for ${show(body)} sent ${how}`, { cause: error });
    }),
    async start() {
      web.server = fuzzServer();
      ({ port: web.port } = await web.server.listen(0, '127.0.0.1'));
      web.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    },
    afterBatch: () => checkStillServing(web.agent, web.port).catch((error) => {
      throw new Error(`not serving a plain call after a batch: ${error?.message ?? error}`, { cause: error });
    }),
    async stop() {
      web.agent?.destroy();
      await web.server?.close();
    },
  },
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

/** The case running now, printed if the process dies of an uncaught exception (a server crash). */
let running;
process.on('uncaughtExceptionMonitor', (error) => {
  if (running === undefined) return;
  const [name, input] = running;
  const shown = name === 'http' ? `${show(input[0])} sent ${input[1]}` : Array.isArray(input) ? '(a tuple)' : show(input);
  process.stderr.write(`\nuncaught ${error?.name}: ${error?.message} while the ${name} case ran: ${shown}\n`);
});

const BATCH = 5000;
const report = { seed, runs: 0, failures: 0, ms: 0, slowestCaseMs: 0, properties: {} };
const heapBefore = settledHeap();
const started = performance.now();
for (const name of selected) {
  const { arb, check, share, start, stop, afterBatch, size: sizeOf = size } = PROPERTIES[name];
  const runs = Math.max(1, Math.round((totalRuns * share) / shareSum));
  const kinds = new Map();
  let failures = 0;
  let slowestMs = 0;
  const record = (error, inputSize) => {
    failures++;
    const kind = kindOf(error);
    const example = String(error?.message ?? error).slice(0, 1200);
    const seen = kinds.get(kind);
    if (seen === undefined) kinds.set(kind, { count: 1, size: inputSize, example });
    else {
      seen.count++;
      if (inputSize < seen.size) Object.assign(seen, { size: inputSize, example });
    }
  };
  await start?.();
  const t0 = performance.now();
  try {
    for (let done = 0, batch = 0; done < runs; done += BATCH, batch++) {
      const inputs = fc.sample(arb, { numRuns: Math.min(BATCH, runs - done), seed: seed + batch * 7919 + name.length });
      for (const input of inputs) {
        running = [name, input];
        const t = performance.now();
        try {
          await check(input);
        } catch (error) {
          record(error, sizeOf(input));
        }
        slowestMs = Math.max(slowestMs, performance.now() - t);
      }
      running = undefined;
      if (afterBatch !== undefined) {
        try {
          await afterBatch();
        } catch (error) {
          record(error, Infinity);
        }
      }
      if (!args.json) process.stderr.write(`\r${name}: ${Math.min(done + BATCH, runs)}/${runs}, ${failures} failed   `);
    }
  } finally {
    running = undefined;
    await stop?.();
  }
  const ms = performance.now() - t0;
  if (!args.json) process.stderr.write('\n');
  report.slowestCaseMs = Math.max(report.slowestCaseMs, slowestMs);
  report.properties[name] = {
    runs, failures, ms: Math.round(ms), casesPerSecond: Math.round(runs / (ms / 1000)), slowestCaseMs: +slowestMs.toFixed(1),
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
    console.log(`  ${name}: ${p.runs} cases, ${p.failures} failed, ${(p.ms / 1000).toFixed(1)} s (${p.casesPerSecond} cases/s), slowest case ${p.slowestCaseMs} ms`);
    for (const k of p.kinds) console.log(`    ${k.count} × ${k.kind}\n      e.g. ${k.example.replace(/\n/g, '\\n')}`);
  }
}
process.exitCode = report.failures === 0 ? 0 : 1;
