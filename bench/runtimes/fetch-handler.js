/**
 * Requests per second and latency of createFetchHandler on Node, Deno and Bun against a bare Web
 * handler of the same runtime that reads the request body and answers the same response as fixed
 * bytes (bench/runtimes/serve-handler.js; both behind the same adapter). The load comes from this
 * Node process (undici, keep-alive, 16 connections); runs interleaved. With `--base <dir>` (a
 * built copy of another version: its dist/ is loaded by this serve-handler.js), that build's
 * handler runs interleaved too, for an A/B in one run. Prints a markdown table.
 *   node bench/runtimes/fetch-handler.js [--seconds 2] [--runs 3] [--base <dir>] [--only node,deno,bun]
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { encodeCall } from 'xmlrpc-ts/codec';
import { median } from '../rate.js';

const args = process.argv.slice(2);
const text = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const seconds = Number(text('--seconds', '2'));
const runs = Number(text('--runs', '3'));
const base = text('--base', undefined);
const only = text('--only', 'node,deno,bun').split(',');
const CONNECTIONS = 16;
const SERVE = fileURLToPath(new URL('./serve-handler.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE_DIST = base === undefined ? undefined : `${resolve(base)}/dist`;
const readable = BASE_DIST === undefined ? ROOT : `${ROOT},${BASE_DIST}`;
const RUNTIMES = {
  node: [process.execPath, [SERVE]],
  deno: [`${ROOT}node_modules/.bin/deno`, ['run', '--cached-only', '--allow-net=127.0.0.1', `--allow-read=${readable}`, '--allow-env', SERVE]],
  bun: [`${ROOT}node_modules/.bin/bun`, [SERVE]],
};
// Each row: a label, the serve-handler mode, and the dist/ it loads (undefined: this build's).
const MODES = [['handler', 'handler', undefined], ...(BASE_DIST === undefined ? [] : [['base handler', 'handler', BASE_DIST]]), ['bare', 'bare', undefined]];
const body = new TextEncoder().encode(encodeCall('echo', [{ name: 'bench', id: 42, tags: ['a', 'b', 'c'], ok: true }]));

function start(command, commandArgs, mode, dist) {
  const child = spawn(command, [...commandArgs, mode, ...(dist === undefined ? [] : [dist])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match !== null) resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${command} ${mode} exited with ${code}`)));
  });
  return { child, port };
}

/** Requests/s and the per-request times (ms) of `CONNECTIONS` loops over `ms` milliseconds. */
async function load(port, ms) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS });
  const send = async () => {
    const response = await pool.request({ path: '/RPC2', method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const answer = await response.body.text();
    if (response.statusCode !== 200 || !answer.includes('bench')) throw new Error(`bad answer ${response.statusCode}: ${answer.slice(0, 200)}`);
  };
  for (let i = 0; i < 200; i++) await send(); // warm-up
  const times = [];
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await send();
      times.push(performance.now() - t0);
    }
  }));
  const rate = (times.length / (performance.now() - started)) * 1000;
  await pool.close();
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { rate, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] };
}

const ms = (value) => value.toFixed(2);
const rows = [];
for (const [runtime, [command, commandArgs]] of Object.entries(RUNTIMES)) {
  if (!only.includes(runtime)) continue;
  const results = Object.fromEntries(MODES.map(([label]) => [label, []]));
  for (let r = 0; r < runs; r++) {
    for (const [label, mode, dist] of MODES) {
      const server = start(command, commandArgs, mode, dist);
      try {
        results[label].push(await load(await server.port, seconds * 1000));
      } finally {
        if (server.child.exitCode === null) process.kill(server.child.pid, 'SIGKILL');
      }
    }
  }
  // Medians of each figure over the runs (the run with the median rate for the latencies would hide tails).
  const summary = (label) => Object.fromEntries(['rate', 'p50', 'p99', 'max'].map((key) => [key, median(results[label].map((run) => run[key]))]));
  const bare = summary('bare');
  for (const [label] of MODES) {
    const row = summary(label);
    rows.push(`| ${runtime} | ${label} | ${Math.round(row.rate).toLocaleString('en-US')} | ${(row.rate / bare.rate).toFixed(2)} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`);
    process.stderr.write(`${runtime} ${label}: ${Math.round(row.rate)} req/s, p50 ${ms(row.p50)} p99 ${ms(row.p99)} max ${ms(row.max)} ms\n`);
  }
}
console.log(`${runs} runs of ${seconds} s, ${CONNECTIONS} keep-alive connections from Node (undici), medians over runs\n`);
console.log('| runtime | server | requests/s | / bare | p50 ms | p99 ms | max ms |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
