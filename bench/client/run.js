// Client bench: calls per second against a bare node:http server answering a fixed XML-RPC
// body, for xmlrpc-ts, raw undici posting a fixed body (the floor: no encoding, no decoding),
// npm `xmlrpc`, `@foxglove/xmlrpc` and Python's ServerProxy (one thread per concurrent caller).
// Prints a markdown table. Usage: node bench/client/run.js [--seconds 1] [--runs 3]
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import xmlrpc from 'xmlrpc';
import { XmlRpcClient } from '@foxglove/xmlrpc';
import { Client, encodeCall } from 'xmlrpc-ts';
import { medium, small } from './payloads.js';
import { measure, median } from '../rate.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PAYLOADS = { small, medium };
const CONCURRENCIES = [1, 64];

/** Spawns a child and resolves with it and the rest of its "READY <rest>" line. */
function startChild(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    const onData = (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      const line = out.slice(0, nl).trim();
      if (!line.startsWith('READY ')) reject(new Error(`unexpected line from ${command}: ${line}`));
      else resolve({ child, rest: line.slice(6) });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}



/** The Node clients under test for one payload and concurrency: name -> { call, close }. */
function makeClients(base, payloadName, concurrency) {
  const url = `${base}/${payloadName}`;
  const value = PAYLOADS[payloadName];
  const clients = {};

  const pool = new Pool(base, { connections: concurrency });
  const fixedBody = Buffer.from(encodeCall('echo', [value]));
  clients['raw undici'] = {
    call: async () => {
      const res = await pool.request({ path: `/${payloadName}`, method: 'POST', headers: { 'content-type': 'text/xml' }, body: fixedBody });
      await res.body.text();
    },
    close: () => pool.close(),
  };

  const ours = new Client(url, { connections: concurrency });
  clients['xmlrpc-ts'] = { call: () => ours.call('echo', [value]), close: () => ours.close() };

  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const npmClient = xmlrpc.createClient({ host: '127.0.0.1', port: Number(new URL(base).port), path: `/${payloadName}`, agent });
  clients['npm xmlrpc'] = {
    call: () => new Promise((resolve, reject) => npmClient.methodCall('echo', [value], (err, v) => (err ? reject(err) : resolve(v)))),
    close: async () => agent.destroy(),
  };

  const foxglove = new XmlRpcClient(url);
  clients['@foxglove/xmlrpc'] = { call: () => foxglove.methodCall('echo', [value]), close: async () => {} };
  return clients;
}

async function pythonRates(base, payloadName, concurrency, seconds, runs) {
  const child = spawn('python3', [`${HERE}py_client.py`, `${base}/${payloadName}`, payloadName, String(concurrency), String(seconds), String(runs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c) => {
    out += c;
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`py_client.py exited with ${code}`);
  return JSON.parse(out);
}

/** Wraps `call` so each call's duration (ms) lands in `sink`. */
function timed(call, sink) {
  return async () => {
    const started = performance.now();
    await call();
    sink.push(performance.now() - started);
  };
}

/** p50, p99 and max of the durations, in ms. */
function latency(durations) {
  const sorted = Float64Array.from(durations).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

function ms(n) {
  return n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2);
}

/** A table cell: calls/s and, when recorded, p50 / p99 / max latency in ms. */
function cell(rate, lat) {
  return lat === undefined ? fmt(rate) : `${fmt(rate)} (${ms(lat.p50)} / ${ms(lat.p99)} / ${ms(lat.max)})`;
}

function fmt(n) {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

/** Runs the whole client bench and returns the markdown table. */
export async function runClientBench({ seconds = 1, runs = 3 } = {}) {
  const { child: server, rest: port } = await startChild(process.execPath, [`${HERE}server.js`]);
  const base = `http://127.0.0.1:${port}`;
  const rows = [];
  try {
    for (const payloadName of Object.keys(PAYLOADS)) {
      for (const concurrency of CONCURRENCIES) {
        const clients = makeClients(base, payloadName, concurrency);
        const rates = Object.fromEntries(Object.keys(clients).map((n) => [n, []]));
        const durations = Object.fromEntries(Object.keys(clients).map((n) => [n, []]));
        // Each client once for warm-up and to check it really decodes the answer.
        for (const [name, c] of Object.entries(clients)) {
          const v = await c.call();
          const decoded = payloadName === 'small' ? v?.name === small.name : Array.isArray(v) && v.length === medium.length && v[5]?.name === medium[5].name;
          if (name !== 'raw undici' && !decoded) throw new Error(`${name} did not return the payload`);
          await measure(c.call, concurrency, 200);
        }
        // Interleave the runs so drift hits every client alike.
        for (let r = 0; r < runs; r++) {
          for (const [name, c] of Object.entries(clients)) rates[name].push(await measure(timed(c.call, durations[name]), concurrency, seconds * 1000));
        }
        for (const c of Object.values(clients)) await c.close();
        rates['Python ServerProxy'] = await pythonRates(base, payloadName, concurrency, seconds, runs);
        const m = Object.fromEntries(Object.entries(rates).map(([n, v]) => [n, median(v)]));
        const lat = Object.fromEntries(Object.entries(durations).map(([n, d]) => [n, latency(d)]));
        rows.push({ payloadName, concurrency, m, lat });
        process.stderr.write(`${payloadName} c=${concurrency}: ${Object.entries(m).map(([n, v]) => `${n} ${fmt(v)}`).join(', ')}\n`);
      }
    }
  } finally {
    server.kill('SIGTERM');
  }

  const names = ['raw undici', 'xmlrpc-ts', 'npm xmlrpc', '@foxglove/xmlrpc', 'Python ServerProxy'];
  const lines = [
    `Calls per second (median of ${runs} runs of ${seconds} s), Node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? 'unknown CPU'}.`,
    'In brackets: latency p50 / p99 / max in ms over every call of the runs (not recorded for Python).',
    '',
    `| payload | concurrency | ${names.join(' | ')} | xmlrpc-ts / raw undici | xmlrpc-ts / Python |`,
    `|---|---:|${names.map(() => '---:').join('|')}|---:|---:|`,
  ];
  for (const { payloadName, concurrency, m, lat } of rows) {
    const size = payloadName === 'small' ? 'small (~0.7 KB)' : 'medium (~45 KB)';
    lines.push(`| ${size} | ${concurrency} | ${names.map((n) => cell(m[n], lat[n])).join(' | ')} | ${Math.round((m['xmlrpc-ts'] / m['raw undici']) * 100)} % | ${(m['xmlrpc-ts'] / m['Python ServerProxy']).toFixed(1)}× |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  console.log(await runClientBench({ seconds: arg('--seconds', 1), runs: arg('--runs', 3) }));
}
