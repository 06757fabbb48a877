// The Client under load, for a CPU profile: 64 calls at a time for 5 s against the client bench's
// fixed-answer server (a child process), as in bench/client/run.js. Prints calls/s.
//   node --cpu-prof --cpu-prof-dir=<dir> bench/client/profile.js small|medium
//   node bench/codec/cpuprofile-top.js <dir>/<file>.cpuprofile 40
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from 'xmlrpc-ts';
import { medium, small } from './payloads.js';

const which = process.argv[2] ?? 'small';
const value = { small, medium }[which];
if (value === undefined) throw new Error('usage: profile.js small|medium');
const CONCURRENCY = 64;
const SECONDS = 5;
const child = spawn(process.execPath, [fileURLToPath(new URL('./server.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(/READY (\d+)/.exec(String(d))[1])));
const client = new Client(`http://127.0.0.1:${port}/${which}`, { connections: CONCURRENCY });
let calls = 0;
const end = performance.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      await client.call('echo', [value]);
      calls++;
    }
  }),
);
console.log(`${which}: ${Math.round(calls / SECONDS)} calls/s, ${CONCURRENCY} at a time`);
await client.close();
process.kill(child.pid);
