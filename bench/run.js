/**
 * `npm run bench`: the codec bench, then the server and client benches when they exist,
 * each as its own child process, one after the other (so they never compete for the CPU).
 * Everything they print is passed through. Exits non-zero if any of them failed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const BENCHES = [
  { name: 'codec', entry: here('./codec/run.js'), nodeArgs: ['--expose-gc'] },
  { name: 'server', entry: here('./server/run.js'), nodeArgs: [] },
  { name: 'client', entry: here('./client/run.js'), nodeArgs: [] },
];

function runChild(bench, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...bench.nodeArgs, bench.entry, ...args], { stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`bench ${bench.name}: could not start: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal !== null ? 1 : (code ?? 1)));
  });
}

const args = process.argv.slice(2);
const failed = [];
for (const bench of BENCHES) {
  if (!existsSync(bench.entry)) {
    console.log(`\n(no ${bench.name} bench: bench/${bench.name}/run.js does not exist)\n`);
    continue;
  }
  console.log(`\n======== ${bench.name} bench ========\n`);
  const started = performance.now();
  // The codec bench takes --quick; the others get no arguments they might not know.
  const code = await runChild(bench, bench.name === 'codec' ? args : []);
  console.log(`\n(${bench.name} bench: ${code === 0 ? 'done' : `exit code ${code}`} in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (code !== 0) failed.push(bench.name);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
