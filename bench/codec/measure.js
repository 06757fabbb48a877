/**
 * Timing and heap helpers.
 *
 * Time: the implementations of one workload and operation are measured together, in rounds:
 * each round takes one sample of every implementation in turn, so load from other processes
 * on a shared machine falls on all of them alike. A sample repeats a fast operation until it
 * lasts about `minSampleMs`, so it includes its share of the garbage collections its own
 * allocation causes (steady state, as in a busy server). Rounds stop at `maxRuns`, or once
 * `budgetMs` has passed and `minRuns` are done. The result is the median time of one
 * operation. Every result is used (so no compiler can drop the call) and none is held (a held
 * result would bill the next call for its GC work).
 *
 * Heap: `process.memoryUsage().heapUsed` around one operation, needing `node --expose-gc`.
 */

const now = () => performance.now();

/** True when `x` is a promise (the async peers); sync calls are never awaited. */
function isThenable(x) {
  return x !== null && typeof x === 'object' && typeof x.then === 'function';
}

/** Every result is folded into this. */
let sink = 0;

function consume(r) {
  sink = (sink + (typeof r === 'string' ? r.length : r === undefined || r === null ? 0 : 1)) | 0;
}

async function callMany(fn, n, async) {
  if (async) {
    for (let i = 0; i < n; i++) consume(await fn());
  } else {
    for (let i = 0; i < n; i++) consume(fn());
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function describe(e) {
  return `${e?.constructor?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 80)}`;
}

/**
 * Median milliseconds per call of each entry's `fn`, measured in interleaved rounds.
 * An entry whose call throws is reported as `{ error }` and dropped from later rounds.
 * @param {{ id: string, fn: () => unknown }[]} entries
 * @returns {Promise<Record<string, { ms: number, runs: number, reps: number } | { error: string }>>}
 */
export async function timeInterleaved(entries, { minRuns = 3, maxRuns = 7, budgetMs = 3000, minSampleMs = 150 } = {}) {
  const out = {};
  const live = [];
  // Warm-up: slow operations once; fast ones until ~300 ms have passed (so the JIT has settled).
  for (const { id, fn } of entries) {
    try {
      let t0 = now();
      let first = fn();
      const async = isThenable(first);
      consume(async ? await first : first);
      first = undefined;
      let one = now() - t0;
      if (one < 100) {
        let calls = 0;
        t0 = now();
        while (now() - t0 < 300 || calls < 3) {
          await callMany(fn, 1, async);
          calls++;
        }
        one = (now() - t0) / calls;
      }
      live.push({ id, fn, async, reps: Math.max(1, Math.ceil(minSampleMs / Math.max(one, 1e-3))), samples: [] });
    } catch (e) {
      out[id] = { error: describe(e) };
    }
  }
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const start = now();
  for (let round = 0; round < maxRuns && (round < minRuns || now() - start < budgetMs); round++) {
    for (const m of live) {
      if (out[m.id] !== undefined) continue;
      try {
        const t = now();
        await callMany(m.fn, m.reps, m.async);
        m.samples.push((now() - t) / m.reps);
      } catch (e) {
        out[m.id] = { error: describe(e) };
      }
    }
  }
  for (const m of live) out[m.id] ??= { ms: median(m.samples), runs: m.samples.length, reps: m.reps };
  return out;
}

/** Holds the result of the call being measured (module scope, so no compiler can drop it early). */
let held;

/**
 * JS-heap growth of one call, holding its result (the median of `repeats` calls):
 * `delta` is heapUsed right after the call minus heapUsed just before it (taken after a full
 * GC): what the call allocated that no collection during it reclaimed; `retained` is the
 * growth after another full GC, i.e. the result itself.
 */
export async function heapGrowth(fn, repeats = 1) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  const deltas = [];
  const retained = [];
  for (let i = 0; i < repeats; i++) {
    globalThis.gc();
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    held = fn();
    if (isThenable(held)) held = await held;
    deltas.push(process.memoryUsage().heapUsed - before);
    globalThis.gc();
    globalThis.gc();
    retained.push(process.memoryUsage().heapUsed - before);
    held = undefined;
  }
  return { delta: median(deltas), retained: median(retained) };
}
