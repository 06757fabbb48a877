// Runs the Docker interop suite (spec-tests/docker/*.docker.js, which `node --test spec-tests/`
// does not pick up): checks the daemon, builds missing images (docker/build-images.sh), runs the
// files with `node --test`, then removes any container of this run that is left.
//
// No daemon: one line saying why, exit 0, unless XMLRPC_TS_DOCKER=required (then exit 1).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

process.env.XMLRPC_TS_DOCKER_RUN ??= randomBytes(4).toString('hex');
const { REPO, REQUIRED, dockerUnavailable, removeRunContainers } = await import('./support.js');

/** Time limits, in ms: building images from scratch (debootstrap) and the whole suite. */
const BUILD_LIMIT = 15 * 60_000;
const SUITE_LIMIT = 10 * 60_000;

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

const built = await runInherited('bash', [`${REPO}docker/build-images.sh`], BUILD_LIMIT);
if (built !== 0) {
  console.error(`Docker interop: building the images failed (exit ${built})`);
  process.exit(1);
}

const files = readdirSync(`${REPO}spec-tests/docker`).filter((f) => f.endsWith('.docker.js')).sort().map((f) => `spec-tests/docker/${f}`);
let code = 1;
try {
  code = await runInherited(process.execPath, ['--test', ...files], SUITE_LIMIT);
} finally {
  const left = await removeRunContainers();
  if (left > 0) console.error(`Docker interop: removed ${left} container(s) a test left behind`);
}
process.exit(code);
