/**
 * The client's two transports on Node, same server, same run: calls per second of
 * `new Client(url, { transport: 'undici' })` and `{ transport: 'fetch' }` against the client
 * bench's bare node:http server (bench/client/server.js, a fixed answer per payload), at 1 and 16
 * concurrent calls, runs interleaved so drift hits both alike. Prints a markdown table.
 *   node bench/runtimes/transports.js [--seconds 1] [--runs 3]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from 'xmlrpc-ts/client';
import { medium, small } from '../client/payloads.js';
import { measure, median } from '../rate.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const seconds = option('--seconds', 1);
const runs = option('--runs', 3);
const PAYLOADS = { small, medium };
const CONCURRENCIES = [1, 16];
const TRANSPORTS = ['undici', 'fetch'];



const server = spawn(process.execPath, [fileURLToPath(new URL('../client/server.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const rows = [];
  for (const [payloadName, value] of Object.entries(PAYLOADS)) {
    for (const concurrency of CONCURRENCIES) {
      const clients = Object.fromEntries(TRANSPORTS.map((transport) => {
        const options = transport === 'undici' ? { transport, connections: concurrency } : { transport };
        return [transport, new Client(`http://127.0.0.1:${port}/${payloadName}`, options)];
      }));
      const rates = Object.fromEntries(TRANSPORTS.map((t) => [t, []]));
      for (const client of Object.values(clients)) await measure(() => client.call('echo', [value]), concurrency, 200); // warm-up
      for (let r = 0; r < runs; r++) {
        for (const [transport, client] of Object.entries(clients)) rates[transport].push(await measure(() => client.call('echo', [value]), concurrency, seconds * 1000));
      }
      for (const client of Object.values(clients)) await client.close();
      const undici = median(rates.undici);
      const fetchRate = median(rates.fetch);
      rows.push(`| ${payloadName} | ${concurrency} | ${Math.round(undici).toLocaleString('en-US')} | ${Math.round(fetchRate).toLocaleString('en-US')} | ${(fetchRate / undici).toFixed(2)} |`);
    }
  }
  console.log(`Node ${process.version}, ${runs} runs of ${seconds} s, median calls/s\n`);
  console.log('| payload | concurrent calls | undici transport | fetch transport | fetch / undici |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
} finally {
  process.kill(server.pid, 'SIGTERM');
}
