/**
 * The server bench: an `echo` server under wrk (keep-alive, POST), small (~700 B) and medium
 * (~45 KB) calls, 1 and 64 connections, against bare node:http answering a fixed body, npm
 * `xmlrpc`, `@foxglove/xmlrpc` and Python's threading SimpleXMLRPCServer (HTTP/1.1), all in one
 * run. Each cell is the median req/s of RUNS runs of DURATION seconds after a warm-up, with wrk's
 * latency p50 / p99 / max of that run; "bare node:http echo" writes back what it read (the tail floor).
 * Prints a markdown table and writes it to bench/server/RESULTS.md.
 *
 *   node bench/server/run.js            (env: SERVER_BENCH_SECONDS=2, SERVER_BENCH_RUNS=3)
 *
 * SERVER_BENCH_HOST=<address> (default 127.0.0.1) makes every peer listen there and wrk call it
 * (an address whose route has another MSS, say); such a run prints its table and leaves RESULTS.md
 * alone. Measured that way with an Ethernet MSS (1460): the medium-call tail is the same as on
 * loopback's 64 KiB MSS (docs/performance.md).
 *
 * A/B against an earlier version in the same run: SERVER_BENCH_BASE=<a built checkout of it> adds
 * its xmlrpc-ts server as the peer "xmlrpc-ts (base)"; SERVER_BENCH_ONLY=<names, comma-separated>
 * keeps only those peers. Such a run prints its table and leaves RESULTS.md alone.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeResponse } from 'xmlrpc-ts';
import { makePayloads } from './payloads.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const SECONDS = Number(process.env.SERVER_BENCH_SECONDS ?? 2);
const RUNS = Number(process.env.SERVER_BENCH_RUNS ?? 3);
const WARMUP_SECONDS = 1;
const CONCURRENCY = [1, 64];
const PEERS = [
  { name: 'bare node:http', cmd: [process.execPath, here('./servers.js'), 'bare'], fixed: true },
  { name: 'bare node:http echo', cmd: [process.execPath, here('./servers.js'), 'bare-echo'], rawEcho: true },
  { name: 'xmlrpc-ts', cmd: [process.execPath, here('./servers.js'), 'xmlrpc-ts'] },
  { name: 'npm xmlrpc', cmd: [process.execPath, here('./servers.js'), 'npm-xmlrpc'] },
  { name: '@foxglove/xmlrpc', cmd: [process.execPath, here('./servers.js'), 'foxglove'] },
  { name: 'Python SimpleXMLRPCServer', cmd: ['python3', here('./py_server.py')] },
];
/** Where every peer listens (the children read the same variable). */
const HOST = process.env.SERVER_BENCH_HOST ?? '127.0.0.1';
const BASE = process.env.SERVER_BENCH_BASE;
if (BASE !== undefined) PEERS.push({ name: 'xmlrpc-ts (base)', cmd: [process.execPath, path.join(BASE, 'bench/server/servers.js'), 'xmlrpc-ts'] });
const ONLY = process.env.SERVER_BENCH_ONLY?.split(',');
if (ONLY !== undefined) PEERS.splice(0, PEERS.length, ...PEERS.filter((p) => ONLY.includes(p.name) || p.name === 'xmlrpc-ts (base)'));

function startPeer(peer) {
  const child = spawn(peer.cmd[0], peer.cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', function onData(chunk) {
      out += chunk;
      const m = /READY (\d+)/.exec(out);
      if (m === null) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ port: Number(m[1]), stop });
    });
    child.once('exit', (code) => reject(new Error(`${peer.name} exited (${code}) before it was ready`)));
    child.once('error', reject);
  });
}

/** POSTs a body once and returns the decoded echo, to check the peer answers right. */
function echoOnce(port, body, raw = false) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method: 'POST', path: '/RPC2', agent: false, headers: { 'Content-Type': 'text/xml' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(raw ? Buffer.concat(chunks) : decodeResponse(Buffer.concat(chunks)));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function wrk(port, connections, seconds, bodyFile) {
  const out = execFileSync(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s', '-s', here('./post.lua'), `http://${HOST}:${port}/RPC2`, '--', bodyFile],
    { encoding: 'utf8', timeout: (seconds + 30) * 1000 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: (.*)/.exec(out)?.[1];
  const max = /Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1];
  return { rps, errors: non2xx, socketErrors, p50: toMs(/ 50%\s+(\S+)/.exec(out)?.[1]), p99: toMs(/ 99%\s+(\S+)/.exec(out)?.[1]), max: toMs(max) };
}

/** wrk prints times as `812.00us`, `1.23ms`, `1.05s` or `1.00m`; NaN when absent. */
function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (m === null) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
}

/** `p50 / p99 / max` in ms, three significant digits. */
const fmtLatency = (cell) => [cell.p50, cell.p99, cell.max].map((ms) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3))).join(' / ');

const payloads = makePayloads();
const dir = mkdtempSync(path.join(os.tmpdir(), 'xmlrpc-server-bench-'));
const files = {};
for (const [name, p] of Object.entries(payloads)) {
  files[name] = path.join(dir, `${name}.xml`);
  writeFileSync(files[name], p.body);
}
console.log(`server bench: small ${Buffer.byteLength(payloads.small.body)} B, medium ${Buffer.byteLength(payloads.medium.body)} B calls; ` + `${RUNS} × ${SECONDS} s per cell (median), wrk -t1, keep-alive, on ${HOST}\n`);

const results = {}; // results[payload][c][peer] = { rps, errors, socketErrors }
const started = performance.now();
const running = [];
try {
  // All peers listen at once (idle servers cost nothing) and take turns, run by run, so that
  // anything else happening on the machine hits them all alike.
  for (const peer of PEERS) running.push({ peer, ...(await startPeer(peer)) });
  for (const [name, p] of Object.entries(payloads)) {
    for (const { peer, port } of running) {
      const echoed = await echoOnce(port, p.body, peer.rawEcho);
      if (!peer.rawEcho && JSON.stringify(echoed) !== JSON.stringify(p.params[0])) throw new Error(`${peer.name} answered the ${name} call wrongly`);
      wrk(port, 64, WARMUP_SECONDS, files[name]);
    }
    for (const c of CONCURRENCY) {
      const runs = new Map(running.map(({ peer }) => [peer.name, []]));
      for (let i = 0; i < RUNS; i++) {
        for (const { peer, port } of running) runs.get(peer.name).push(wrk(port, c, SECONDS, files[name]));
      }
      for (const { peer } of running) {
        const r = runs.get(peer.name);
        // Latencies: those of the run with the median throughput, so the three figures belong together.
        const mid = [...r].sort((a, b) => a.rps - b.rps)[Math.floor(r.length / 2)];
        const cell = { rps: mid.rps, p50: mid.p50, p99: mid.p99, max: mid.max, errors: r.reduce((n, x) => n + x.errors, 0), socketErrors: r.map((x) => x.socketErrors).filter(Boolean) };
        ((results[name] ??= {})[c] ??= {})[peer.name] = cell;
        console.log(`${peer.name.padEnd(26)} ${name.padEnd(6)} c=${String(c).padEnd(3)} ${cell.rps.toFixed(0).padStart(7)} req/s  p50/p99/max ${fmtLatency(cell)} ms` + (cell.errors > 0 || cell.socketErrors.length > 0 ? `  (non-2xx: ${cell.errors}; ${cell.socketErrors.join('; ')})` : ''));
      }
    }
  }
} finally {
  for (const { stop } of running) stop();
  rmSync(dir, { recursive: true, force: true });
}

if (BASE !== undefined || ONLY !== undefined) {
  // An A/B or partial run: the per-cell lines above are its result.
  process.exit(0);
}
const ours = 'xmlrpc-ts';
const python = 'Python SimpleXMLRPCServer';
const bare = 'bare node:http';
const fmt = (cell) => (cell === undefined ? 'n/a' : `${Math.round(cell.rps).toLocaleString('en-US')}${cell.errors > 0 ? ' (errors)' : ''}<br>${fmtLatency(cell)}`);
const lines = [];
lines.push(`| payload | conn | ${PEERS.map((p) => p.name).join(' | ')} | ours / bare | ours / Python |`);
lines.push(`|---|---:|${PEERS.map(() => '---:').join('|')}|---:|---:|`);
for (const name of Object.keys(payloads)) {
  for (const c of CONCURRENCY) {
    const row = results[name][c];
    const vsBare = row[ours].rps / row[bare].rps;
    const vsPython = row[ours].rps / row[python].rps;
    lines.push(`| ${name} | ${c} | ${PEERS.map((p) => fmt(row[p.name])).join(' | ')} | ${(vsBare * 100).toFixed(0)} % | ${vsPython.toFixed(1)}× |`);
  }
}
const smallVsBare = results.small[64][ours].rps / results.small[64][bare].rps;
const mediumVsPython = results.medium[64][ours].rps / results.medium[64][python].rps;
const tail = (name) => results[name][64][ours].p99 / results[name][64][ours].p50;
const verdict = [
  `- small, 64 connections: ${(smallVsBare * 100).toFixed(0)} % of bare node:http (target ≥ 60 %): ${smallVsBare >= 0.6 ? 'met' : 'NOT met'}`,
  `- medium, 64 connections: ${mediumVsPython.toFixed(1)}× Python (target ≥ 10×): ${mediumVsPython >= 10 ? 'met' : 'NOT met'}`,
  ...['small', 'medium'].map((name) => `- ${name}, 64 connections: p99 ${tail(name).toFixed(1)}× p50 (target ≤ 3×): ${tail(name) <= 3 ? 'met' : 'NOT met'}`),
];
const table = lines.join('\n');
const elapsed = ((performance.now() - started) / 1000).toFixed(0);
console.log(`\nrequests per second (median of ${RUNS} × ${SECONDS} s), then p50 / p99 / max latency in ms of that run, all servers one process/thread pool on the same machine as wrk:\n`);
console.log(table);
console.log('\n' + verdict.join('\n'));

const cpus = os.cpus();
if (HOST !== '127.0.0.1') process.exit(0); // a run on another address: the table above is its result
writeFileSync(
  here('./RESULTS.md'),
  `# Server bench results\n\n` +
    `\`node bench/server/run.js\` (also run by \`npm run bench\`), ${new Date().toISOString().slice(0, 10)}: ` +
    `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, wrk 1 thread on the same machine, ` +
    `keep-alive, an \`echo\` method; small = ${Buffer.byteLength(payloads.small.body)} B call, medium = ${Buffer.byteLength(payloads.medium.body)} B ` +
    `(100 structs). Each cell: median requests/s of ${RUNS} runs of ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, the peers taking turns run by run, ` +
    `then wrk's latency p50 / p99 / max in ms of that median run; ` +
    `every XML-RPC peer's echo was checked before it was measured. The bench took ${elapsed} s.\n\n` +
    `${table}\n\n${verdict.join('\n')}\n\n` +
    `"bare node:http" reads the body and answers a precomputed response: the ceiling for any server on node:http; "bare node:http echo" writes back the bytes it read (no XML), ` +
    `the floor of the latency tail for an echo of that size. ` +
    `xmlrpc-ts runs with its defaults (limits, time limit, AsyncLocalStorage context, signature-free \`echo\`). ` +
    `Python is SimpleXMLRPCServer with ThreadingMixIn and HTTP/1.1 (keep-alive).\n\n` +
    `wrk and the servers share the same ${cpus.length} cores, so cells move between runs (the 1-connection ones most: ` +
    `a ping-pong of two processes depends on scheduling); compare peers within one run, not across runs.\n`,
);
