/**
 * Requests per second of createFetchHandler on Node, Deno and Bun against a bare Web handler of
 * the same runtime answering the same response as fixed bytes (bench/runtimes/serve-handler.js).
 * The load comes from this Node process (undici, keep-alive, 16 connections); runs interleaved.
 * Prints a markdown table.   node bench/runtimes/fetch-handler.js [--seconds 2] [--runs 3]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { encodeCall } from '../../dist/codec/index.js';
import { measure, median } from '../rate.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const seconds = option('--seconds', 2);
const runs = option('--runs', 3);
const CONNECTIONS = 16;
const SERVE = fileURLToPath(new URL('./serve-handler.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNTIMES = {
  node: [process.execPath, [SERVE]],
  deno: [`${ROOT}node_modules/.bin/deno`, ['run', '--cached-only', '--allow-net=127.0.0.1', `--allow-read=${ROOT}`, '--allow-env', SERVE]],
  bun: [`${ROOT}node_modules/.bin/bun`, [SERVE]],
};
const body = new TextEncoder().encode(encodeCall('echo', [{ name: 'bench', id: 42, tags: ['a', 'b', 'c'], ok: true }]));

function start(command, commandArgs, mode) {
  const child = spawn(command, [...commandArgs, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${command} ${mode} exited with ${code}`)));
  });
  return { child, port };
}

async function requestsPerSecond(port, ms) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS });
  const send = async () => {
    const response = await pool.request({ path: '/RPC2', method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const text = await response.body.text();
    if (response.statusCode !== 200 || !text.includes('bench')) throw new Error(`bad answer ${response.statusCode}: ${text.slice(0, 200)}`);
  };
  for (let i = 0; i < 200; i++) await send(); // warm-up
  const rate = await measure(send, CONNECTIONS, ms);
  await pool.close();
  return rate;
}

const rows = [];
for (const [runtime, [command, commandArgs]] of Object.entries(RUNTIMES)) {
  const rates = { handler: [], bare: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of ['handler', 'bare']) {
      const server = start(command, commandArgs, mode);
      try {
        rates[mode].push(await requestsPerSecond(await server.port, seconds * 1000));
      } finally {
        process.kill(server.child.pid, 'SIGKILL');
      }
    }
  }
  const handler = median(rates.handler);
  const bare = median(rates.bare);
  rows.push(`| ${runtime} | ${Math.round(handler).toLocaleString('en-US')} | ${Math.round(bare).toLocaleString('en-US')} | ${(handler / bare).toFixed(2)} |`);
  process.stderr.write(`${runtime}: handler ${Math.round(handler)}, bare ${Math.round(bare)}\n`);
}
console.log(`${runs} runs of ${seconds} s, ${CONNECTIONS} keep-alive connections from Node (undici), median requests/s\n`);
console.log('| runtime | createFetchHandler | bare handler (fixed body) | handler / bare |');
console.log('|---|---:|---:|---:|');
for (const row of rows) console.log(row);
