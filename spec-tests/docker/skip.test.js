// The Docker suite's runner (run.js) without a daemon, as on a contributor's laptop: it skips with
// one line that says why and exits 0, or, with XMLRPC_TS_DOCKER=required (CI), fails with exit 1.
// Part of `npm test` (the *.docker.js files are not); needs no daemon and no images.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('./run.js', import.meta.url));
/** run.js asks the daemon once, within 15 s; this is the backstop past which it is killed. */
const LIMIT = 30_000;

/** Runs run.js with `env` over this process's (minus Docker's own settings); resolves { code, stdout, stderr }. */
function runSuite(env) {
  const base = { ...process.env };
  for (const key of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'XMLRPC_TS_DOCKER', 'XMLRPC_TS_DOCKER_BUDGET']) delete base[key];
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [RUN], { env: { ...base, ...env }, timeout: LIMIT, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`run.js did not end normally: ${error.message}\n${stderr}`));
      else resolve({ code: error ? error.code : 0, stdout, stderr });
    });
    child.once('error', reject);
  });
}

/** An empty folder to stand for a PATH without a docker command. */
function withEmptyPath(body) {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-no-docker-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const NO_DAEMON = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('npm run test:docker without a Docker daemon', () => {
  test('skips: one line on stdout that says why, nothing on stderr, exit 0', async () => {
    const { code, stdout, stderr } = await runSuite(NO_DAEMON);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const lines = stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, stdout);
    assert.match(lines[0], /^Docker interop skipped: no Docker daemon answers \(.*\) \(XMLRPC_TS_DOCKER=required makes this a failure\)$/);
    assert.match(lines[0], /nonexistent/);
  });

  test('with XMLRPC_TS_DOCKER=required: fails with exit 1, saying why on stderr', async () => {
    const { code, stdout, stderr } = await runSuite({ ...NO_DAEMON, XMLRPC_TS_DOCKER: 'required' });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^Docker interop FAILED: XMLRPC_TS_DOCKER=required, but no Docker daemon answers \(.*nonexistent.*\)\n$/);
  });

  test('without a docker command on PATH: skips saying so, or fails when required', () => withEmptyPath(async (empty) => {
    const skipped = await runSuite({ PATH: empty });
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal(skipped.stdout, 'Docker interop skipped: no docker command on PATH (XMLRPC_TS_DOCKER=required makes this a failure)\n');
    const failed = await runSuite({ PATH: empty, XMLRPC_TS_DOCKER: 'required' });
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr, 'Docker interop FAILED: XMLRPC_TS_DOCKER=required, but no docker command on PATH\n');
  }));
});
