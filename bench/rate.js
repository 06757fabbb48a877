// Shared by the client and runtime benches: a call rate from concurrent loops, and a median.

/** Runs `call` from `concurrency` loops for `ms` milliseconds; returns calls per second. */
export async function measure(call, concurrency, ms) {
  const deadline = performance.now() + ms;
  let count = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await call();
      count++;
    }
  }));
  return (count / (performance.now() - started)) * 1000;
}

/** The median of `values` (the upper one of the middle two for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
