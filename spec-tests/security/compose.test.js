// deploy/compose/compose.yaml (server replicas behind nginx), checked without Docker: the services,
// the replicas, the files it builds from and mounts, and its nginx configuration against the one
// nginx.test.js runs (deploy/nginx/nginx.conf: only addresses and log/temp paths may differ).
// With nginx installed, `nginx -t` parses the Compose nginx.conf; with docker-compose installed,
// `docker-compose config` validates the file. Either is skipped with a message otherwise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_DIR = path.join(ROOT, 'deploy/compose');
const COMPOSE_FILE = path.join(COMPOSE_DIR, 'compose.yaml');
const TESTED_NGINX = path.join(ROOT, 'deploy/nginx/nginx.conf');
const TESTED_PROXY = path.join(ROOT, 'deploy/nginx/xmlrpc-proxy.conf');
/** The server's default closeTimeoutMs: the stop grace period must be longer. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Reads the YAML subset Compose files here use: block mappings and sequences of scalars, flow
 * sequences of JSON strings, quoted and plain scalars, comments. Anything else throws, so a file
 * that outgrows the subset fails this test loudly instead of being misread.
 */
function readYamlSubset(text) {
  const lines = [];
  for (const [n, raw] of text.split('\n').entries()) {
    const line = stripYamlComment(raw).trimEnd();
    if (line.trim() === '') continue;
    if (/^\s*\t/.test(raw)) throw new SyntaxError(`line ${n + 1}: a tab in the indentation`);
    lines.push({ n: n + 1, indent: line.length - line.trimStart().length, text: line.trim() });
  }
  const [value, next] = block(lines, 0, 0);
  if (next !== lines.length) throw new SyntaxError(`line ${lines[next].n}: unexpected indentation`);
  return value;
}

function stripYamlComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function scalar(text, n) {
  if (text.startsWith('"') || text.startsWith('[')) return JSON.parse(text);
  if (text.startsWith("'")) {
    if (!text.endsWith("'")) throw new SyntaxError(`line ${n}: unterminated quote`);
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (/^[&*!|>{%@`]/.test(text)) throw new SyntaxError(`line ${n}: YAML feature outside the subset: ${text}`);
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

/** The block at `indent` starting at lines[i]: [value, index of the next line]. */
function block(lines, i, indent) {
  const isItem = (line) => line.text === '-' || line.text.startsWith('- ');
  if (i < lines.length && lines[i].indent === indent && isItem(lines[i])) {
    const items = [];
    while (i < lines.length && lines[i].indent === indent && isItem(lines[i])) {
      const rest = lines[i].text.slice(1).trim();
      if (rest === '' || /^[\w.-]+:( |$)/.test(rest)) throw new SyntaxError(`line ${lines[i].n}: only sequences of scalars are read`);
      items.push(scalar(rest, lines[i].n));
      i++;
    }
    return [items, i];
  }
  const map = {};
  while (i < lines.length && lines[i].indent === indent) {
    const m = /^([\w.-]+):(?: +(.*))?$/.exec(lines[i].text);
    if (m === null) throw new SyntaxError(`line ${lines[i].n}: expected "key: value", got ${lines[i].text}`);
    const key = m[1];
    if (Object.hasOwn(map, key)) throw new SyntaxError(`line ${lines[i].n}: duplicate key ${key}`);
    i++;
    if (m[2] !== undefined) {
      map[key] = scalar(m[2], lines[i - 1].n);
    } else if (i < lines.length && (lines[i].indent > indent || (lines[i].indent === indent && isItem(lines[i])))) {
      [map[key], i] = block(lines, i, lines[i].indent);
    } else {
      map[key] = null;
    }
  }
  return [map, i];
}

/** nginx configuration as a tree of { name, args, block? }, comments dropped. */
function readNginxConfig(text) {
  const tokens = [];
  for (const line of text.split('\n')) {
    const code = line.replace(/#.*$/, '');
    for (const m of code.matchAll(/[{};]|"[^"]*"|'[^']*'|[^\s{};]+/g)) tokens.push(m[0]);
  }
  const root = [];
  const stack = [root];
  let args = [];
  for (const token of tokens) {
    const current = stack.at(-1);
    if (token === ';') {
      if (args.length === 0) throw new SyntaxError('an empty directive');
      current.push({ name: args[0], args: args.slice(1) });
      args = [];
    } else if (token === '{') {
      const directive = { name: args[0], args: args.slice(1), block: [] };
      current.push(directive);
      stack.push(directive.block);
      args = [];
    } else if (token === '}') {
      if (args.length !== 0 || stack.length === 1) throw new SyntaxError('unbalanced }');
      stack.pop();
    } else {
      args.push(token);
    }
  }
  if (stack.length !== 1 || args.length !== 0) throw new SyntaxError('unterminated block or directive');
  return root;
}

/** The first directive at `names` (a path of directive names, e.g. ['http', 'server']). */
function find(tree, ...names) {
  let node = { block: tree };
  for (const name of names) {
    node = node.block?.find((d) => d.name === name);
    if (node === undefined) throw new Error(`no ${names.join(' > ')} in the nginx configuration`);
  }
  return node;
}

/** Directives that name places of one installation (logs, temp files, pid, addresses). */
const LOCAL = new Set(['error_log', 'access_log', 'pid', 'listen', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']);

/**
 * The tree without LOCAL directives; in an upstream, the `server` lines become their distinct
 * parameter lists (how many backends, and where, is the installation's business).
 */
function portable(tree, inUpstream = false) {
  const seen = new Set();
  return tree
    .filter((d) => !LOCAL.has(d.name))
    .map((d) => (inUpstream && d.name === 'server' ? { name: 'server', args: ['<address>', ...d.args.slice(1)] } : d))
    .filter((d) => d.name !== 'server' || !inUpstream || !seen.has(JSON.stringify(d.args)) && seen.add(JSON.stringify(d.args)))
    .map((d) => (d.block === undefined ? d : { ...d, block: portable(d.block, d.name === 'upstream') }));
}

/** "15s", "1m30s", "500ms" → milliseconds (Compose durations). */
function durationMs(text) {
  const units = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = String(text).replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_, n, unit) => {
    total += Number(n) * units[unit];
    return '';
  });
  assert.equal(rest, '', `not a duration: ${text}`);
  return total;
}

/** The value after `--flag` in an argument list. */
function flag(args, name) {
  const i = args.indexOf(name);
  assert.ok(i !== -1 && i + 1 < args.length, `${name} is missing from ${JSON.stringify(args)}`);
  return args[i + 1];
}

describe('deploy/compose/compose.yaml: replicas behind nginx', () => {
  const compose = readYamlSubset(readFileSync(COMPOSE_FILE, 'utf8'));
  const { app, nginx } = compose.services ?? {};
  const composeNginxPath = path.join(COMPOSE_DIR, 'nginx.conf');
  const composeNginx = readNginxConfig(readFileSync(composeNginxPath, 'utf8'));
  const testedNginx = readNginxConfig(readFileSync(TESTED_NGINX, 'utf8'));
  /** Host path (resolved) → container path, for each volume of the nginx service. */
  const mounts = new Map((nginx?.volumes ?? []).map((v) => {
    const [host, container, mode] = v.split(':');
    assert.equal(mode, 'ro', `${v} is mounted read-only`);
    return [path.resolve(COMPOSE_DIR, host), container];
  }));

  test('two services, app and nginx; no top-level key docker-compose 1.x refuses', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['app', 'nginx']);
    assert.deepEqual(Object.keys(compose).filter((k) => k !== 'services' && !k.startsWith('x-')), [], 'only services (and x- extensions) at the top level');
  });

  test('app: several replicas of the cluster recipe, built from this repository, stopped gracefully', () => {
    assert.ok(Number.isInteger(app.deploy?.replicas) && app.deploy.replicas >= 2, `replicas: ${app.deploy?.replicas}`);
    const context = path.resolve(COMPOSE_DIR, app.build.context);
    assert.equal(JSON.parse(readFileSync(path.join(context, 'package.json'), 'utf8')).name, 'xmlrpc-ts', 'the build context is the package root');
    const dockerfile = readFileSync(path.join(context, app.build.dockerfile), 'utf8');
    assert.deepEqual(app.command.slice(0, 2), ['node', 'examples/cluster/server.js']);
    assert.ok(existsSync(path.join(context, app.command[1])), `${app.command[1]} exists`);
    // The image holds what the command runs: the recipe and the built package.
    assert.match(dockerfile, /^COPY examples\/cluster /m);
    assert.match(dockerfile, /^COPY dist /m);
    assert.equal(flag(app.command, '--host'), '0.0.0.0', 'a replica listens beyond its own loopback, for nginx');
    assert.ok(app.expose.map(String).includes(flag(app.command, '--port')), 'the port the command listens on is exposed');
    assert.equal(app.stop_signal, 'SIGTERM', 'the recipe closes gracefully on SIGTERM (cluster.test.js)');
    assert.ok(durationMs(app.stop_grace_period) > CLOSE_TIMEOUT_MS, `stop_grace_period ${app.stop_grace_period} leaves close() its ${CLOSE_TIMEOUT_MS} ms`);
  });

  test('nginx: a pinned image, published on the loopback, with both configuration files mounted', () => {
    assert.match(nginx.image, /^nginx:\d+\.\d+/, 'a pinned nginx version');
    assert.ok([nginx.depends_on].flat().includes('app') || Object.hasOwn(nginx.depends_on ?? {}, 'app'), 'nginx depends on app');
    assert.equal(nginx.ports.length, 1);
    const [hostAddress, hostPort, containerPort] = String(nginx.ports[0]).split(':');
    assert.equal(hostAddress, '127.0.0.1', 'published on the loopback only');
    assert.ok(Number(hostPort) > 0);
    assert.deepEqual(find(composeNginx, 'http', 'server', 'listen').args, [containerPort], 'nginx listens on the published container port');
    assert.equal(mounts.get(composeNginxPath), '/etc/nginx/nginx.conf');
    assert.equal(mounts.get(TESTED_PROXY), '/etc/nginx/xmlrpc-proxy.conf', 'the proxy settings are the tested file itself');
    for (const host of mounts.keys()) assert.ok(existsSync(host), `${host} exists`);
    // Relative includes are relative to the directory of the main configuration file.
    const includes = [];
    const collect = (tree) => tree.forEach((d) => (d.name === 'include' ? includes.push(d.args[0]) : d.block && collect(d.block)));
    collect(composeNginx);
    assert.ok(includes.length > 0);
    for (const file of includes) {
      assert.ok([...mounts.values()].includes(path.posix.resolve('/etc/nginx', file)), `include ${file} is a mounted file`);
    }
  });

  test('its nginx.conf is the tested deploy/nginx/nginx.conf but for addresses, logs and temp paths', () => {
    assert.deepEqual(portable(composeNginx), portable(testedNginx));
    // The upstream is the app service on the port its command listens on.
    const servers = find(composeNginx, 'http', 'upstream').block.filter((d) => d.name === 'server');
    assert.deepEqual(servers.map((d) => d.args[0]), [`app:${flag(app.command, '--port')}`]);
  });

  const nginxMissing = spawnSync('nginx', ['-v']).error?.code === 'ENOENT' ? 'nginx is not installed (Debian: apt-get install -y nginx)' : false;
  test('nginx -t accepts the Compose nginx.conf (the service name replaced by an address)', { skip: nginxMissing }, () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'xmlrpc-compose-nginx-'));
    try {
      // "app" only resolves inside Compose's network, and nginx -t resolves upstream names.
      const conf = readFileSync(composeNginxPath, 'utf8').replace(/\bserver app:(\d+)/g, 'server 127.0.0.1:$1');
      writeFileSync(path.join(prefix, 'nginx.conf'), conf);
      copyFileSync(TESTED_PROXY, path.join(prefix, 'xmlrpc-proxy.conf'));
      // The file logs to /dev/stdout and /dev/stderr, which cannot be opened on a socket (how
      // spawnSync pipes output): nginx gets a file as its stdout and stderr, as under Docker.
      const output = path.join(prefix, 'output.txt');
      const fd = openSync(output, 'w');
      let run;
      try {
        run = spawnSync('nginx', ['-t', '-p', prefix + '/', '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', fd, fd], timeout: 20_000 });
      } finally {
        closeSync(fd);
      }
      const text = readFileSync(output, 'utf8');
      assert.equal(run.status, 0, text);
      assert.match(text, /test is successful/);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  // Skipped on a contributor's machine without docker-compose; required in CI (.ci/run installs it).
  const composeMissing = spawnSync('docker-compose', ['version']).error?.code === 'ENOENT' && process.env.CI !== 'true'
    ? 'docker-compose is not installed; `docker-compose config` is not run'
    : false;
  test('docker-compose config accepts the file', { skip: composeMissing }, () => {
    // `config` only reads and validates the file: no Docker daemon, no image is pulled or built.
    const run = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.error, undefined, String(run.error));
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^\s+replicas: \d+$/m);
  });
});
