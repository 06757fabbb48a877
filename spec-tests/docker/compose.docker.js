// `up` of the user-facing compose.yaml with the local images (PYTHON_IMAGE, NODE_IMAGE), laid over
// with compose.host.yaml (host network, 127.0.0.1, a free port): the Python xmlrpc.server service
// and the Node service that calls it with this package. Checks the demo's output, then `down`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LIMITS, NODE_IMAGE, PYTHON_IMAGE, REPO, composeCommand, composeProject, docker, execute, skipUnlessDocker } from './support.js';

const skip = await skipUnlessDocker();
/** The Compose file under test; XMLRPC_TS_COMPOSE_FILE tries another one against the same checks. */
const COMPOSE_FILE = process.env.XMLRPC_TS_COMPOSE_FILE || `${REPO}compose.yaml`;
const HOST_OVERLAY = fileURLToPath(new URL('./compose.host.yaml', import.meta.url));

/** A port no one listens on now, on 127.0.0.1 (the Python service binds it next). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

describe('compose.yaml with the local images', { skip }, () => {
  const project = composeProject('compose');
  let compose;
  let env;
  let up;

  /** Runs a Compose subcommand of this project within `timeout` ms. */
  const runCompose = (args, timeout = LIMITS.compose) =>
    execute(compose[0], [...compose.slice(1), '--project-name', project, '--project-directory', REPO, '--file', COMPOSE_FILE, '--file', HOST_OVERLAY, ...args], { timeout, env });

  before(async () => {
    compose = await composeCommand();
    assert.ok(compose !== null, 'neither `docker compose` nor `docker-compose` is installed');
    env = { ...process.env, PYTHON_IMAGE, NODE_IMAGE, XMLRPC_TS_COMPOSE_PORT: String(await freePort()) };
    up = await runCompose(['up', '--no-color', '--exit-code-from', 'node-example']);
  });

  after(async () => {
    if (compose) {
      const down = await runCompose(['down', '--remove-orphans', '--timeout', '5'], LIMITS.stop);
      assert.equal(down.code, 0, `compose down failed: ${down.stderr}`);
    }
  });

  test('up ends with the Node service\'s exit code 0', () => {
    assert.equal(up.code, 0, `compose up exited ${up.code}:\n${up.stdout}\n${up.stderr}`);
  });

  test('the services ran the images the variables name', async () => {
    const { stdout } = await docker(['ps', '--all', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.Image}}']);
    assert.deepEqual(stdout.trim().split('\n').sort(), [`node-example ${NODE_IMAGE}`, `python-server ${PYTHON_IMAGE}`]);
  });

  test('the demo prints what the Python service received and answered', () => {
    // Compose prefixes each log line with "<service>[_1]  | ".
    const lines = up.stdout.split('\n').map((l) => /^node-example[\w-]*\s*\|\s?(.*)$/.exec(l)?.[1]).filter((l) => l !== undefined);
    assert.ok(lines.length > 0, `no output from node-example:\n${up.stdout}`);
    assert.match(lines[0], /^methods: .*\badd\b.*system\.multicall/);
    assert.ok(lines.includes('add(2, 3) = 5'), lines.join('\n'));
    assert.ok(lines.includes('describe: int 42'), lines.join('\n'));
    assert.ok(lines.includes('describe: datetime datetime.datetime(2024, 1, 2, 3, 4, 5)'), lines.join('\n'));
    assert.ok(lines.includes("describe: bytes b'bytes'"), lines.join('\n'));
    assert.ok(lines.includes('multicall: 42, Fault(7, seven)'), lines.join('\n'));
    assert.ok(lines.includes("fault: 1 <class 'ValueError'>:boom"), lines.join('\n'));
    assert.equal(lines.at(-1), 'done');
  });
});
