// Containers for the Docker interop suite: the images, a daemon check, and containers that are
// named after this run, labelled with it, and removed afterwards whatever happens.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The Python scripts, mounted read-only at /fixtures in the Python containers. */
export const FIXTURES = `${REPO}fixtures/python`;

/** The images, as compose.yaml and docker/build-images.sh name them. */
export const PYTHON_IMAGE = process.env.PYTHON_IMAGE || 'xmlrpc-ts-python:bookworm';
export const NODE_IMAGE = process.env.NODE_IMAGE || 'xmlrpc-ts-node:bookworm';

/** This run's id: container names start with `xmlrpc-ts-<id>-`, and carry the label below. */
export const RUN_ID = process.env.XMLRPC_TS_DOCKER_RUN || randomBytes(4).toString('hex');
/** The label every container of this run carries, so run.js can sweep up after a crash. */
export const RUN_LABEL = `xmlrpc-ts.run=${RUN_ID}`;

/** Time limits, in ms. vfs storage copies the image per container, so starting one takes seconds. */
export const LIMITS = Object.freeze({ command: 60_000, ready: 60_000, stop: 30_000, compose: 120_000 });

/**
 * Runs `file args` to its end within `timeout` ms (then kills it) and resolves
 * { code, stdout, stderr } whatever the exit code; `code` is null when it was killed.
 */
export function execute(file, args, { timeout = LIMITS.command, env } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout, env, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && !error.killed) reject(error);
      else resolve({ code: error ? (error.killed ? null : error.code) : 0, stdout, stderr });
    });
  });
}

/** Runs `file args` (see {@link execute}); rejects, naming the command and quoting its output, unless it exits 0. */
export async function run(file, args, options = {}) {
  const result = await execute(file, args, options);
  if (result.code === 0) return result;
  const why = result.code === null ? `timed out after ${options.timeout ?? LIMITS.command} ms` : `exit ${result.code}`;
  throw new Error(`${file} ${args.join(' ')}: ${why}\n${result.stderr || result.stdout}`.trim());
}

/** Runs a docker command (see {@link run}). */
export function docker(args, options) {
  return run('docker', args, options);
}

/**
 * Why the suite cannot run here (no docker CLI, or no daemon answers), or null when it can.
 * Asks the daemon once, within 15 s.
 */
export async function dockerUnavailable() {
  try {
    const { stdout } = await docker(['version', '--format', '{{.Server.Version}}'], { timeout: 15_000 });
    return stdout.trim() === '' ? 'the Docker daemon gave no version' : null;
  } catch (error) {
    if (error.message.includes('ENOENT')) return 'no docker command on PATH';
    const line = error.message.split('\n').find((l) => /daemon|connect|permission/i.test(l));
    return `no Docker daemon answers (${(line ?? error.message.split('\n')[0]).trim()})`;
  }
}

/** True when XMLRPC_TS_DOCKER=required: a missing daemon then fails the suite instead of skipping it. */
export const REQUIRED = process.env.XMLRPC_TS_DOCKER === 'required';

/**
 * The `skip` option for a test file's top `describe`: false when Docker answers, else the reason.
 * With XMLRPC_TS_DOCKER=required it throws instead, so the file fails with that reason.
 */
export async function skipUnlessDocker() {
  const reason = await dockerUnavailable();
  if (reason === null) return false;
  if (REQUIRED) throw new Error(`XMLRPC_TS_DOCKER=required, but ${reason}`);
  return `Docker interop skipped: ${reason}`;
}

/** The full container name of a short one: unique to this run. */
export function containerName(short) {
  return `xmlrpc-ts-${RUN_ID}-${short}`;
}

/** `docker run` arguments common to every container: this run's name and label, host network, no pulls. */
function runArgs(short, { image, mounts = [], env = {}, workdir }) {
  const args = ['run', '--rm', '--name', containerName(short), '--label', RUN_LABEL, '--network', 'host', '--pull', 'never'];
  for (const [host, inside] of mounts) args.push('--volume', `${host}:${inside}:ro`);
  for (const [key, value] of Object.entries(env)) args.push('--env', `${key}=${value}`);
  if (workdir !== undefined) args.push('--workdir', workdir);
  args.push(image);
  return args;
}

/** Removes containers by full name, whether they still run or not; missing ones are fine. */
export async function removeContainers(names) {
  if (names.length === 0) return;
  await docker(['rm', '--force', ...names], { timeout: LIMITS.stop }).catch((error) => {
    if (!/No such container/i.test(error.message)) throw error;
  });
}

/**
 * Starts `command` in a container of `image` and resolves once it prints a line starting with
 * "READY " (within LIMITS.ready), with `rest` (what follows READY) and `stop()`, which removes
 * the container and kills the `docker run` process by its PID if it has not ended.
 */
export function startContainer(short, command, options) {
  const name = containerName(short);
  const child = spawn('docker', [...runArgs(short, options), ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const stop = async () => {
    try {
      await removeContainers([name]);
    } finally {
      // The docker CLI ends when its container is gone; make sure of it within the limit.
      let timer;
      const limit = new Promise((resolve) => {
        timer = setTimeout(resolve, LIMITS.stop, 'limit');
      });
      const outcome = await Promise.race([exited, limit]);
      clearTimeout(timer);
      if (outcome === 'limit' && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    }
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = async (message) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      await stop().catch(() => {});
      reject(new Error(`container ${name} (${command.join(' ')}): ${message}\n${stderr}`.trim()));
    };
    const timer = setTimeout(() => fail(`no READY line within ${LIMITS.ready} ms`), LIMITS.ready);
    const onData = (chunk) => {
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      const line = stdout.slice(0, nl).trim();
      if (!line.startsWith('READY ')) return fail(`printed ${JSON.stringify(line)} instead of READY`);
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('close', onClose);
      child.stdout.resume();
      resolve({ name, rest: line.slice('READY '.length), stop });
    };
    const onClose = (code) => fail(`exited (${code}) before it was ready`);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('close', onClose);
    child.once('error', (error) => fail(error.message));
  });
}

/**
 * Runs `command` in a container of `image` to its end, within `timeout` ms, and resolves
 * { code, stdout, stderr } whatever the exit code. The container is removed in any case.
 */
export async function runContainer(short, command, { timeout = LIMITS.command, ...options }) {
  try {
    return await execute('docker', [...runArgs(short, options), ...command], { timeout });
  } finally {
    await removeContainers([containerName(short)]);
  }
}

/** A Compose project name of this run: its containers' names start with the run's prefix. */
export function composeProject(short) {
  return containerName(short);
}

let composeCli;
/**
 * The Compose command as [file, ...args]: `docker compose` (v2) when the CLI has it, else
 * `docker-compose` (v1, what Debian packages), or null when neither is there.
 */
export async function composeCommand() {
  if (composeCli !== undefined) return composeCli;
  const v2 = await execute('docker', ['compose', 'version'], { timeout: 15_000 }).catch(() => ({ code: 1 }));
  if (v2.code === 0) return (composeCli = ['docker', 'compose']);
  const v1 = await execute('docker-compose', ['version'], { timeout: 15_000 }).catch(() => ({ code: 1 }));
  return (composeCli = v1.code === 0 ? ['docker-compose'] : null);
}

/** Removes every container of this run that is left (a safety net after a crashed test file). */
export async function removeRunContainers() {
  const labelled = await docker(['ps', '--all', '--quiet', '--filter', `label=${RUN_LABEL}`], { timeout: LIMITS.stop });
  const ids = labelled.stdout.split('\n').filter(Boolean);
  // Compose containers carry their project's label instead; this run's projects share its prefix.
  const composed = await docker(['ps', '--all', '--filter', 'label=com.docker.compose.project', '--format', '{{.ID}} {{.Label "com.docker.compose.project"}}'], { timeout: LIMITS.stop });
  for (const line of composed.stdout.split('\n')) {
    const [id, project] = line.split(' ');
    if (project?.startsWith(containerName(''))) ids.push(id);
  }
  await removeContainers(ids);
  return ids.length;
}
