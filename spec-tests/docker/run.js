// Runs the Docker interop suite (spec-tests/docker/*.docker.js, which `node --test spec-tests/`
// does not pick up): checks the daemon, builds missing images (docker/build-images.sh), runs the
// files with `node --test`, then removes any container of this run that is left.
//
// No daemon: one line saying why, exit 0, unless XMLRPC_TS_DOCKER=required (then exit 1).
// Budget: images and suite together must end within XMLRPC_TS_DOCKER_BUDGET seconds (default 240,
// what the issue allows on a 2-core machine; 0 turns the check off); measured, and a run over it
// fails, saying how long each part took.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

process.env.XMLRPC_TS_DOCKER_RUN ??= randomBytes(4).toString('hex');
const { REPO, REQUIRED, dockerUnavailable, removeRunContainers } = await import('./support.js');

/** Time limits, in ms, past which a step is killed: building images from scratch (debootstrap), the whole suite. */
const BUILD_LIMIT = 15 * 60_000;
const SUITE_LIMIT = 10 * 60_000;
/** The budget of images + suite, in seconds (0: none). */
const BUDGET = budgetSeconds(process.env.XMLRPC_TS_DOCKER_BUDGET);

function budgetSeconds(text) {
  if (text === undefined || text === '') return 240;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    console.error(`Docker interop: XMLRPC_TS_DOCKER_BUDGET must be a number of seconds (0: no budget), got ${JSON.stringify(text)}`);
    process.exit(1);
  }
  return seconds;
}

/** Seconds since `start` (a performance.now() reading), to one decimal. */
const secondsSince = (start) => Math.round((performance.now() - start) / 100) / 10;

/** Runs a command with inherited output; resolves its exit code, killing it by PID past `limit`. */
function runInherited(file, args, limit) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: REPO, stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.error(`${file} ${args.join(' ')}: no end after ${limit} ms, killed`);
      process.kill(child.pid, 'SIGKILL');
    }, limit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const reason = await dockerUnavailable();
if (reason !== null) {
  if (REQUIRED) {
    console.error(`Docker interop FAILED: XMLRPC_TS_DOCKER=required, but ${reason}`);
    process.exit(1);
  }
  console.log(`Docker interop skipped: ${reason} (XMLRPC_TS_DOCKER=required makes this a failure)`);
  process.exit(0);
}
if (!existsSync(`${REPO}dist/index.js`)) {
  console.error('Docker interop: dist/index.js is missing; run `npm run build` first');
  process.exit(1);
}

const imagesStart = performance.now();
const built = await runInherited('bash', [`${REPO}docker/build-images.sh`], BUILD_LIMIT);
const imagesSeconds = secondsSince(imagesStart);
if (built !== 0) {
  console.error(`Docker interop: building the images failed (exit ${built})`);
  process.exit(1);
}

const files = readdirSync(`${REPO}spec-tests/docker`).filter((f) => f.endsWith('.docker.js')).sort().map((f) => `spec-tests/docker/${f}`);
const suiteStart = performance.now();
let code = 1;
try {
  code = await runInherited(process.execPath, ['--test', ...files], SUITE_LIMIT);
} finally {
  const left = await removeRunContainers();
  if (left > 0) console.error(`Docker interop: removed ${left} container(s) a test left behind`);
}
const suiteSeconds = secondsSince(suiteStart);
const total = Math.round((imagesSeconds + suiteSeconds) * 10) / 10;
console.log(`Docker interop: images ${imagesSeconds} s + suite ${suiteSeconds} s = ${total} s${BUDGET > 0 ? ` (budget ${BUDGET} s)` : ''}`);
if (code === 0 && BUDGET > 0 && total > BUDGET) {
  console.error(`Docker interop FAILED: images + suite took ${total} s, over the ${BUDGET} s budget `
    + `(images ${imagesSeconds} s, suite ${suiteSeconds} s); XMLRPC_TS_DOCKER_BUDGET=<seconds> sets another budget, 0 none`);
  code = 1;
}
process.exit(code);
