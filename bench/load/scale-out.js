// Multi-process scale-out: calls per second of one plain server process, then of
// examples/cluster/server.js with 1, 2, … workers, measured with wrk (a C load generator, so the
// client costs little CPU). On a 2-core machine wrk shares the cores with the servers: the speed-up
// shown is what the cores left over give, not a clean 2x.
//
//   node bench/load/scale-out.js [--workers 1,2] [--seconds 10] [--rounds 3] [--connections 64]
//                                [--note "text for RESULTS.md"] [--dry-run] [--json]
//
// The setups take turns, round after round, and each figure is the median of its rounds, so a
// neighbour's burst of CPU on a shared machine does not land on one setup only. Writes its table
// to the "scale-out" section of bench/load/RESULTS.md (not with --dry-run). Exits 2 without wrk.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, encodeCall } from 'xmlrpc-ts';
import { machineLine, noteLine, writeSection } from './results.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    note: { type: 'string', default: '' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const loadAtStart = os.loadavg();
const started = performance.now();
const root = fileURLToPath(new URL('../../', import.meta.url));

try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (error) {
  if (error.code === 'ENOENT') {
    console.error('wrk is not installed (Debian: apt-get install wrk)');
    process.exit(2);
  }
}
let wrkVersion = 'wrk';
try {
  wrkVersion = execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (error) {
  // wrk --version prints its version, then its usage, and exits 1.
  wrkVersion = String(error.stdout ?? '');
}
wrkVersion = /^wrk [^\s]+/.exec(wrkVersion)?.[0] ?? 'wrk';

// A realistic call: 20 records, about 10 KB of XML each way.
const records = Array.from({ length: 20 }, (_, i) => ({ id: i, name: `customer ${i}`, balance: i * 10.25, active: i % 2 === 0, tags: ['a', 'b', 'c'] }));
const body = encodeCall('echo', [records]);
const dir = mkdtempSync(path.join(os.tmpdir(), 'xmlrpc-scale-'));
const lua = path.join(dir, 'post.lua');
writeFileSync(lua, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "text/xml"\nwrk.body = ${JSON.stringify(body)}\n`);

const SINGLE = `
import { createServer } from 'xmlrpc-ts';
const server = createServer();
server.addMethod('echo', (v) => v);
const { port } = await server.listen(0, '127.0.0.1');
console.log('ready ' + port + ' 1');
process.on('SIGTERM', async () => { await server.close(); process.exit(0); });
`;

/** Starts a server process and resolves with { child, port } once it prints its ready line. */
function startServer(workers) {
  const child = workers === 0
    ? spawn(process.execPath, ['--input-type=module', '-e', SINGLE], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [path.join(root, 'examples/cluster/server.js'), '--workers', String(workers), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^ready (\d+)/.exec(line);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** One real call before measuring: the setup answers the benched call correctly. */
async function check(port) {
  const client = new Client(`http://127.0.0.1:${port}/RPC2`);
  try {
    assert.deepEqual(await client.call('echo', [records]), records);
  } finally {
    await client.close();
  }
}

function wrk(port, seconds) {
  const out = execFileSync('wrk', ['-t1', `-c${args.connections}`, `-d${seconds}s`, '--latency', '-s', lua, `http://127.0.0.1:${port}/RPC2`], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /99%\s+([\d.]+\w+)/.exec(out)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((n, x) => n + Number(x), 0);
  return { rps, p99, errors: non2xx + socketErrors };
}

const setups = [0, ...args.workers.split(',').map(Number)];
const runs = new Map(setups.map((w) => [w, []]));
try {
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const workers of setups) {
      const { child, port } = await startServer(workers);
      try {
        await check(port);
        wrk(port, 1); // warm-up: JIT, connections
        runs.get(workers).push(wrk(port, Number(args.seconds)));
      } finally {
        await stop(child);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = setups.map((workers) => {
  const rs = runs.get(workers);
  const mid = rs.find((r) => r.rps === median(rs.map((x) => x.rps)));
  return {
    setup: workers === 0 ? 'one process, no cluster' : `cluster, ${workers} worker${workers === 1 ? '' : 's'}`,
    workers, rps: mid.rps, p99: mid.p99, errors: rs.reduce((n, r) => n + r.errors, 0), rounds: rs.map((r) => Math.round(r.rps)),
  };
});
const base = results[0].rps;
if (args.json) console.log(JSON.stringify({ cores: os.availableParallelism(), results }, null, 2));
else {
  console.log(`scale-out on ${os.availableParallelism()} cores, wrk -t1 -c${args.connections}, median of ${args.rounds} rounds of ${args.seconds} s, echo of a ${body.length}-byte call`);
  for (const r of results) {
    console.log(`  ${r.setup.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} calls/s  ${(r.rps / base).toFixed(2)}x  p99 ${r.p99}  errors ${r.errors}  (rounds: ${r.rounds.join(', ')})`);
  }
}
if (!args['dry-run']) {
  writeSection('scale-out', resultsSection());
  console.log('written to bench/load/RESULTS.md ("scale-out" section)');
}
// Any failed request makes the figures meaningless.
process.exitCode = results.every((r) => r.errors === 0) ? 0 : 1;

/** The markdown of the RESULTS.md section. */
function resultsSection() {
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const command = `node bench/load/scale-out.js --workers ${args.workers} --seconds ${args.seconds} --rounds ${args.rounds} --connections ${args.connections}`;
  const rows = results.map((r) => `| ${r.setup} | ${r.workers === 0 ? 1 : r.workers} | ${n(r.rps)} | ${(r.rps / base).toFixed(2)}× | ${r.p99} | ${r.errors} | ${r.rounds.map(n).join(', ')} |`);
  return `## Scale-out: one process against node:cluster workers

\`${command}\` (${((performance.now() - started) / 1000).toFixed(0)} s): ${machineLine(loadAtStart)}.
${noteLine(args.note)}
Requests per second of an \`echo\` call of ${body.length} bytes (20 records; the answer is as big) over
${args.connections} keep-alive connections from ${wrkVersion} (1 thread) on the same machine: first one plain server
process, then \`examples/cluster/server.js\` with each number of workers. Each figure is the median of
${args.rounds} rounds of ${args.seconds} s (after a 1 s warm-up), the setups taking turns round after round; each setup's
answer was checked with one real call first.

| setup | processes serving | requests/s (median) | speed-up vs one process | p99 latency | failed requests | each round (requests/s) |
|---|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

wrk and the servers share the machine's ${os.availableParallelism()} cores: wrk's thread takes a good part of one, so the
workers share what is left, and the speed-up is what the extra cores give in this set-up, not a clean N×.
In cluster mode the primary process only hands out connections (round-robin); calls on a keep-alive
connection go straight to its worker.
`;
}
