// The long version of spec-tests/security/load.test.js: many concurrent clients calling `echo`
// with unique ids while a share of the calls throw, time out or are aborted by their client.
// Checks every answer, then that close() drains, that handles are back to the baseline and how
// far the heap moved.
//
//   node bench/load/faults.js [--concurrency 256] [--calls 100000] [--fault-rate 0.01] [--rounds 1] [--json]
import { parseArgs } from 'node:util';
import { startLoadServer, runLoad, drainOnClose, settledHandles, settledHeap } from '../../spec-tests/security/load-run.js';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '256' },
    calls: { type: 'string', default: '100000' },
    'fault-rate': { type: 'string', default: '0.01' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
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
process.exitCode = ok ? 0 : 1;
