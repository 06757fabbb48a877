// `up` of the user-facing compose.yaml with the local images (PYTHON_IMAGE, NODE_IMAGE), laid over
// with compose.host.yaml (host network, 127.0.0.1, free ports): Python's xmlrpc.server, the Node
// service that calls it with this package and then serves our calculator, and Python's
// xmlrpc.client calling that. Checks both directions in the output, then `down`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NODE_SERVED, PYTHON_CLIENT_CALLS } from '../interop/compose-expected.js';
import { LIMITS, NODE_IMAGE, PYTHON_IMAGE, REPO, composeCommand, composeProject, docker, execute, skipUnlessDocker } from './support.js';

const skip = await skipUnlessDocker();
/** The Compose file under test; XMLRPC_TS_COMPOSE_FILE tries another one against the same checks. */
const COMPOSE_FILE = process.env.XMLRPC_TS_COMPOSE_FILE || `${REPO}compose.yaml`;
const HOST_OVERLAY = fileURLToPath(new URL('./compose.host.yaml', import.meta.url));

/** `count` distinct ports no one listens on now, on 127.0.0.1 (the services bind them next). */
async function freePorts(count) {
  const probes = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const probe = createNetServer();
      probes.push(probe);
      await new Promise((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', resolve);
      });
    }
    return probes.map((p) => p.address().port);
  } finally {
    await Promise.all(probes.map((p) => new Promise((resolve) => p.close(() => resolve()))));
  }
}

/** The lines `service` printed in Compose's output, where each one is prefixed "<service>[_-]1  | ". */
function linesOf(output, service) {
  const prefix = new RegExp(`^${service}[_-]\\d+\\s*\\|\\s?(.*)$`);
  return output.split('\n').map((l) => prefix.exec(l)?.[1]).filter((l) => l !== undefined);
}

/** The fenced block after the README's "It prints" in its "Docker and Compose" section. */
function readmeComposeOutput() {
  const readme = readFileSync(`${REPO}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Docker and Compose'));
  const block = /\nIt prints[^]*?\n```text\n([^]*?)\n```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  assert.ok(block, 'no "It prints" output block in the README\'s Docker and Compose section');
  return block[1];
}

describe('compose.yaml with the local images', { skip }, () => {
  const project = composeProject('compose');
  let compose;
  let env;
  let up;
  let node;
  let pythonClient;

  /** Runs a Compose subcommand of this project within `timeout` ms. */
  const runCompose = (args, timeout = LIMITS.compose) =>
    execute(compose[0], [...compose.slice(1), '--project-name', project, '--project-directory', REPO, '--file', COMPOSE_FILE, '--file', HOST_OVERLAY, ...args], { timeout, env });

  before(async () => {
    compose = await composeCommand();
    assert.ok(compose !== null, 'neither `docker compose` nor `docker-compose` is installed');
    const [pythonPort, nodePort] = await freePorts(2);
    env = { ...process.env, PYTHON_IMAGE, NODE_IMAGE, XMLRPC_TS_COMPOSE_PORT: String(pythonPort), XMLRPC_TS_COMPOSE_NODE_PORT: String(nodePort) };
    // The Python client's exit ends the run (--exit-code-from implies --abort-on-container-exit).
    up = await runCompose(['up', '--no-color', '--exit-code-from', 'python-client']);
    node = linesOf(up.stdout, 'node-example');
    pythonClient = linesOf(up.stdout, 'python-client');
  });

  after(async () => {
    if (compose) {
      const down = await runCompose(['down', '--remove-orphans', '--timeout', '5'], LIMITS.stop);
      assert.equal(down.code, 0, `compose down failed: ${down.stderr}`);
    }
  });

  test("up ends with the Python client's exit code 0", () => {
    assert.equal(up.code, 0, `compose up exited ${up.code}:\n${up.stdout}\n${up.stderr}`);
  });

  test('the services ran the images the variables name, and each one ended with exit code 0', async () => {
    const { stdout } = await docker(['ps', '--all', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.Image}}']);
    assert.deepEqual(stdout.trim().split('\n').sort(), [`node-example ${NODE_IMAGE}`, `python-client ${PYTHON_IMAGE}`, `python-server ${PYTHON_IMAGE}`]);
    const ids = (await docker(['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${project}`])).stdout.trim().split('\n');
    const states = await docker(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.service"}} {{.State.ExitCode}}', ...ids]);
    // The Node service stops on the SIGTERM of `up`'s abort: closing its server, it exits 0.
    assert.deepEqual(states.stdout.trim().split('\n').sort(), ['node-example 0', 'python-client 0', 'python-server 0']);
  });

  describe('Node -> Python: the Node service calls the Python service with xmlrpc-ts', () => {
    const has = (line) => assert.ok(node.includes(line), `no ${JSON.stringify(line)} in node-example's output:\n${node.join('\n')}`);

    test('it lists the Python methods: the calculator, echo, system.*', () => {
      assert.ok(node.length > 0, `no output from node-example:\n${up.stdout}`);
      assert.match(node[0], /^methods: add, describe, divide, echo, .*multiply, .*subtract, system\.listMethods, system\.methodHelp, system\.methodSignature, system\.multicall\b/);
    });
    test('the calculator answers, and dividing by zero is a Fault', () => {
      for (const line of ['add(2, 3) = 5', 'subtract(7, 2) = 5', 'multiply(6, 7) = 42', 'divide(7, 2) = 3.5', 'divide(1, 0) -> Fault 1: division by zero']) has(line);
    });
    test('every value type arrives as Python\'s type and echoes back unchanged', () => {
      for (const line of ['describe: int 42', 'describe: float 1.5', "describe: str 'héllo ✓'", 'describe: bool True', 'describe: NoneType None',
        'describe: datetime datetime.datetime(2024, 1, 2, 3, 4, 5)', "describe: bytes b'bytes'", "describe: list [1, 'two']", "describe: dict {'key': 'value'}",
        'echo: 9 of 9 values came back unchanged']) has(line);
    });
    test('multicall and Python\'s faults', () => {
      has('multicall: 42, Fault(7, seven)');
      has("fault: 1 <class 'ValueError'>:boom");
      has('done calling Python');
    });
  });

  describe('Python -> Node: the Python client service calls the calculator the Node service serves', () => {
    test('the Node service serves on 127.0.0.1 once it is done calling Python', () => {
      const serving = node.findIndex((l) => l.startsWith('xmlrpc-ts calculator serving on '));
      assert.ok(serving > node.indexOf('done calling Python'), node.join('\n'));
      assert.equal(node[serving], `xmlrpc-ts calculator serving on http://127.0.0.1:${env.XMLRPC_TS_COMPOSE_NODE_PORT}/RPC2`);
    });
    test("Python's xmlrpc.client gets our answers, faults and multicall included", () => {
      assert.deepEqual(pythonClient, [
        'Python client -> system.listMethods() = calc.add, calc.divide, calc.multiply, calc.subtract, system.getCapabilities, system.listMethods, system.methodHelp, system.methodSignature, system.multicall',
        ...PYTHON_CLIENT_CALLS,
      ]);
    });
    test('the Node service printed each call it answered', () => {
      assert.deepEqual(node.filter((l) => l.startsWith('served ')), NODE_SERVED);
    });
  });

  test("each service prints the lines the README's Docker and Compose section shows, in order", () => {
    const shown = readmeComposeOutput();
    // Only where the servers listen differs: all addresses of its container in Compose's
    // network there, 127.0.0.1 and a free port on the host's network here.
    const here = (line) => line.replace(`http://127.0.0.1:${env.XMLRPC_TS_COMPOSE_NODE_PORT}/`, 'http://0.0.0.0:8001/');
    assert.deepEqual(node.map(here), linesOf(shown, 'node-example'));
    assert.deepEqual(pythonClient, linesOf(shown, 'python-client'));
    assert.deepEqual(linesOf(up.stdout, 'python-server').map((l) => l.replace(`READY ${env.XMLRPC_TS_COMPOSE_PORT}`, 'READY 8000')), linesOf(shown, 'python-server'));
  });
});
