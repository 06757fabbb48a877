/**
 * `npm run bench`: the codec bench, then the server, client, import-time and fetch-handler (Node) benches when
 * they exist, then the load benches (load with faults; scale-out over node:cluster workers, which
 * needs wrk), each as its own child process, one after the other (so they never compete for the CPU).
 * Everything they print is passed through. Exits non-zero if any of them failed.
 * `--quick` runs the codec bench quick and the load benches short, without writing their results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const args = process.argv.slice(2);
const quick = args.includes('--quick');

/** True if `command` can be started (it exists on the PATH). */
function installed(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error?.code !== 'ENOENT';
}

const BENCHES = [
  // The codec bench takes --quick; the server and client benches get no arguments they might not know.
  { name: 'codec', entry: here('./codec/run.js'), nodeArgs: ['--expose-gc'], args },
  { name: 'server', entry: here('./server/run.js'), nodeArgs: [], args: [] },
  { name: 'client', entry: here('./client/run.js'), nodeArgs: [], args: [] },
  // The fetch handler on Node against a bare Web handler behind the same adapter (issue 19's target);
  // `node bench/runtimes/fetch-handler.js` alone adds Deno and Bun.
  // Import time of the entries and the CLI's --version (portable-core issue's targets).
  { name: 'import time', entry: here('./codec/import-time.js'), nodeArgs: [], args: quick ? ['--runs', '5'] : [] },
  { name: 'fetch handler', entry: here('./runtimes/fetch-handler.js'), nodeArgs: [], args: ['--only', 'node'] },
  { name: 'load with faults', entry: here('./load/faults.js'), nodeArgs: [], args: quick ? ['--calls', '20000', '--dry-run'] : [] },
  {
    name: 'scale-out', entry: here('./load/scale-out.js'), nodeArgs: [], args: quick ? ['--seconds', '2', '--rounds', '1', '--dry-run'] : [],
    skip: installed('wrk') ? false : 'wrk is not installed (Debian: apt-get install -y wrk)',
  },
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

const failed = [];
for (const bench of BENCHES) {
  if (!existsSync(bench.entry)) {
    console.log(`\n(no ${bench.name} bench: ${path.relative(here('..'), bench.entry)} does not exist)\n`);
    continue;
  }
  if (bench.skip) {
    console.log(`\n(${bench.name} bench skipped: ${bench.skip})\n`);
    continue;
  }
  console.log(`\n======== ${bench.name} bench ========\n`);
  const started = performance.now();
  const code = await runChild(bench, bench.args);
  console.log(`\n(${bench.name} bench: ${code === 0 ? 'done' : `exit code ${code}`} in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (code !== 0) failed.push(bench.name);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
