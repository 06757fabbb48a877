// The long version of spec-tests/security/load.test.js: many concurrent clients calling `echo`
// with unique ids while a share of the calls throw, time out or are aborted by their client.
// Checks every answer, then that close() drains, that handles are back to the baseline and how
// far the heap moved. Writes its figures to the "faults" section of bench/load/RESULTS.md.
//
//   node bench/load/faults.js [--concurrency 256] [--calls 100000] [--fault-rate 0.01] [--rounds 1]
//                             [--note "text for RESULTS.md"] [--dry-run] [--json]
//
// --dry-run prints without writing RESULTS.md; --json prints the figures as JSON.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startLoadServer, runLoad, drainOnClose, settledHandles, settledHeap } from '../../spec-tests/security/load-run.js';
import { machineLine, noteLine, writeSection } from './results.js';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '256' },
    calls: { type: 'string', default: '100000' },
    'fault-rate': { type: 'string', default: '0.01' },
    rounds: { type: 'string', default: '1' },
    note: { type: 'string', default: '' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const loadAtStart = os.loadavg();
const started = performance.now();
const concurrency = Number(args.concurrency);
const callsPerClient = Math.ceil(Number(args.calls) / concurrency);
const faultRate = Number(args['fault-rate']);

const warm = await startLoadServer();
await runLoad(warm, { concurrency: 8, callsPerClient: 50, faultRate: 0.1 });
await warm.server.close();
const handles0 = await settledHandles();
const heap0 = settledHeap();

const target = await startLoadServer();
const rounds = [];
for (let r = 0; r < Number(args.rounds); r++) {
  const stats = await runLoad(target, { concurrency, callsPerClient, faultRate, seed: 7 + r });
  // The round's heap, with the server still up and its connections closed.
  stats.heapAfterRound = settledHeap();
  rounds.push(stats);
  if (!args.json) {
    console.log(`round ${r + 1}: ${stats.calls} calls in ${(stats.ms / 1000).toFixed(1)} s (${stats.callsPerSecond.toFixed(0)}/s); ` +
      `echo ${stats.echo}, thrown ${stats.thrown}, timed out ${stats.timedOut}, aborted ${stats.aborted}; ` +
      `wrong ${stats.wrong.length}, lost ${stats.lost.length}; p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms ` +
      `(${stats.p99Warm.toFixed(1)} ms without connection set-up), max ${stats.max.toFixed(0)} ms; heap ${(stats.heapAfterRound / 2 ** 20).toFixed(1)} MiB`);
    for (const w of stats.wrong.slice(0, 10)) console.log(`  wrong: ${w}`);
  }
}
const drain = await drainOnClose(target, 100);
const handles1 = await settledHandles();
const heap1 = settledHeap();
const ok = rounds.every((s) => s.wrong.length === 0 && s.lost.length === 0) && !drain.closedEarly && drain.answered === 100 &&
  JSON.stringify(handles0) === JSON.stringify(handles1);

const summary = {
  concurrency, faultRate, rounds, drain,
  heapBeforeMiB: +(heap0 / 2 ** 20).toFixed(1), heapAfterMiB: +(heap1 / 2 ** 20).toFixed(1), handlesBefore: handles0, handlesAfter: handles1, ok,
};
if (args.json) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(`close() with 100 calls in flight: resolved early ${drain.closedEarly}, answered ${drain.answered}/100`);
  console.log(`heap before ${summary.heapBeforeMiB} MiB, after ${summary.heapAfterMiB} MiB; handles before ${JSON.stringify(handles0)}, after ${JSON.stringify(handles1)}`);
  console.log(ok ? 'OK' : 'FAILED');
}
if (!args['dry-run']) {
  writeSection('faults', resultsSection());
  console.log('written to bench/load/RESULTS.md ("faults" section)');
}
process.exitCode = ok ? 0 : 1;

/** The markdown of the RESULTS.md section. */
function resultsSection() {
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const n = (x) => x.toLocaleString('en-US');
  const command = `node bench/load/faults.js --concurrency ${concurrency} --calls ${args.calls} --fault-rate ${faultRate} --rounds ${args.rounds}`;
  const rows = rounds.map((s, i) => `| ${i + 1} | ${n(s.calls)} | ${n(Math.round(s.callsPerSecond))} | ${n(s.echo)} | ${n(s.thrown)} | ${n(s.timedOut)} | ` +
    `${n(s.aborted)} | ${s.wrong.length} | ${s.lost.length} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.p99Warm.toFixed(1)} | ${s.max.toFixed(0)} | ${mib(s.heapAfterRound)} |`);
  const sameHandles = JSON.stringify(handles0) === JSON.stringify(handles1);
  return `## Load with faults

\`${command}\` (${((performance.now() - started) / 1000).toFixed(0)} s): ${machineLine(loadAtStart)}.
${noteLine(args.note)}
${concurrency} concurrent clients (one keep-alive connection each) call \`echo\` with unique ids; a share
of ${faultRate * 100} % of the calls goes, in equal parts, to a handler that throws a Fault, one that never answers
(cut off by the server's callTimeoutMs of 200 ms: a -32001 fault) and one whose client aborts the call once
it has started. Every answer is checked against its request; "lost" counts calls whose handler did not run
exactly once. Latencies are of the \`echo\` calls, in ms; "p99 warm" leaves out each client's first call,
which also opens its connection.

| round | calls | calls/s | echo | thrown | timed out | aborted | wrong | lost | p50 | p99 | p99 warm | max | heap after round (MiB) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

- \`close()\` with 100 calls in flight: resolved before they finished: ${drain.closedEarly ? '**yes**' : 'no'}; answered ${drain.answered}/100.
- Heap in use after two full collections: ${mib(heap0)} MiB before (after a warm-up), ${mib(heap1)} MiB after the rounds and \`close()\` (${heap1 >= heap0 ? '+' : ''}${mib(heap1 - heap0)} MiB).
- Handles (process.getActiveResourcesInfo, stdio left out): before \`${JSON.stringify(handles0)}\`, after \`${JSON.stringify(handles1)}\`: ${sameHandles ? 'the same' : '**different**'}.
- Result: ${ok ? 'OK (no wrong or lost answer, close() drained, handles back to the baseline)' : '**FAILED**'}.
`;
}
