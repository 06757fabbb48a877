// Every code block of the README and the guides below is run, so the docs cannot rot.
//
// The rules, for whoever writes docs:
// - ts and js blocks run with Node as ES modules from the repository root, so
//   `import … from 'xmlrpc-ts'` finds this package. TypeScript blocks have their types stripped
//   (typescript's transpileModule) and are also type-checked together, strictly, against
//   dist/index.d.ts. python blocks run with `python3 -u`. sh blocks run with bash when every
//   command is known to be safe (xmlrpc, npx xmlrpc, npx xmlrpc-ts, python3, node, echo, printf,
//   cat); `npx xmlrpc` and `npx xmlrpc-ts` are the built CLI. A block of npm/docker commands only is never run (`npm test`
//   would run this test again). Other languages (console, text, xml, json …) are not run.
// - `<!-- not-run: why -->` on the line before a block skips it; the reason is required.
// - `<!-- doc-test: … -->` before a block, comma-separated:
//     output        this block is the expected stdout of the previous block that ran
//                   (compared line by line, trailing spaces ignored)
//     background    start the block, wait for its first stdout line, leave it running until
//                   the document is done (servers); an output block after it is that line
//     port=8000     (with background) the block listens on this port: it runs with 0 instead,
//                   must print the port it got as "127.0.0.1:PORT" or "localhost:PORT" in its
//                   first line, and later blocks of the document have 8000 replaced by that port
//     exit=1        the exit code the block must end with (default 0)
//     with=NAME     the block talks to the stand-in NAME (see STAND_INS): its URL in the block is
//                   replaced by the stand-in's before running
// - Port 8000 means fixtures/docs/calc-server.js (started once, on a free port) until a
//   background block of the document takes the port over. In output, real ports and stand-in
//   URLs are turned back into the documented ones before comparing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { extractBlocks, shellVerdict, stripTypes, typeCheck } from './blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOCUMENTS = ['README.md', 'docs/tutorial.md', 'docs/recipes.md', 'docs/migrating-from-xmlrpc.md'];
const RUN_LIMIT_MS = 20_000;
const READY_LIMIT_MS = 10_000;

const scratch = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-doc-'));
const children = new Set();

/** Services the recipes talk to, played by Python: which URLs of the docs they stand in for. */
const STAND_INS = {
  odoo: { service: 'quirks', urls: (s) => ({ 'https://odoo.example.com': s.origin }) },
  aria2: { service: 'quirks', urls: (s) => ({ 'http://127.0.0.1:6800': s.origin }) },
  rtorrent: { service: 'quirks', urls: (s) => ({ 'http://rtorrent.example.com': s.origin }) },
  supervisord: {
    service: 'services',
    urls: (s) => ({ 'unix:///var/run/supervisor.sock': `unix://${s.socket}`, 'http://127.0.0.1:9001': s.origin }),
  },
  wordpress: { service: 'services', urls: (s) => ({ 'https://blog.example.com': s.origin }) },
  ros: { service: 'services', urls: (s) => ({ 'http://localhost:11311': s.origin }) },
};

const SERVICES = {
  default: () => ['node', [join(ROOT, 'fixtures/docs/calc-server.js')]],
  quirks: () => ['python3', [join(ROOT, 'fixtures/python/py_server_quirks.py')]],
  services: () => ['python3', [join(ROOT, 'fixtures/docs/py_services.py'), '--socket', join(scratch, 'supervisor.sock')]],
};
const started = new Map();

/** Starts a service once per test file; resolves with { origin, port, socket }. */
function service(name) {
  if (!started.has(name)) {
    const [command, args] = SERVICES[name]();
    started.set(name, startChild(command === 'node' ? process.execPath : command, args, {}).then(({ line }) => {
      const [, port, socket] = /^READY (\d+)(?: (\S+))?/.exec(line) ?? [];
      if (port === undefined) throw new Error(`${name} stand-in printed ${JSON.stringify(line)} instead of READY <port>`);
      return { port, origin: `http://127.0.0.1:${port}`, socket };
    }));
  }
  return started.get(name);
}

/** Spawns a long-running child; resolves with its first stdout line once it prints one. */
function startChild(command, args, { input, cwd = ROOT, env = {} }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => {
    if (stderr.length < 20_000) stderr += c;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(`printed no line within ${READY_LIMIT_MS} ms`), READY_LIMIT_MS);
    const fail = (why) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.kill('SIGKILL');
      reject(new Error(`${[command, ...args].join(' ')} ${why}\nstdout: ${out}\nstderr: ${stderr}`));
    };
    const onData = (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.stdout.resume();
      resolve({ line: out.slice(0, end), child });
    };
    const onExit = (code, signal) => fail(`exited (${code ?? signal}) before it was ready`);
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
  });
}

/** Runs a child to its end within RUN_LIMIT_MS; resolves with { code, stdout, stderr }. */
function runChild(command, args, { input, env = {} }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** A directory on PATH where `xmlrpc` is the built CLI. */
const bin = join(scratch, 'bin');
function writeShim() {
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'xmlrpc'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}/dist/bundle/cli.cjs" "$@"\n`);
  chmodSync(join(bin, 'xmlrpc'), 0o755);
}

/** The command that runs a block of `kind` with `code`. */
function commandFor(kind, code, where, background) {
  switch (kind) {
    case 'ts':
      return [process.execPath, ['--input-type=module'], stripTypes(code, `${where}.ts`)];
    case 'js':
      return [process.execPath, ['--input-type=module'], code];
    case 'python':
      return ['python3', ['-u', '-'], code];
    case 'sh': {
      const script = code.replace(/\bnpx xmlrpc(?:-ts)?(?![\w-])/g, 'xmlrpc');
      return ['bash', ['-e', '-o', 'pipefail', '-c', background ? `exec ${script.trim()}` : script], undefined];
    }
  }
  throw new Error(`${where}: cannot run ${kind}`);
}

function replaceAll(text, table) {
  let out = text;
  for (const [from, to] of Object.entries(table)) out = out.split(from).join(to);
  return out;
}

function normalize(text) {
  return text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
}

/** SIGTERM, then SIGKILL if the child is still there after a grace period. */
function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

after(async () => {
  await Promise.all([...children].map((child) => stop(child)));
  rmSync(scratch, { recursive: true, force: true });
});

before(() => writeShim());

const documents = DOCUMENTS.map((file) => {
  const blocks = extractBlocks(readFileSync(join(ROOT, file), 'utf8'), file);
  for (const b of blocks) b.where = { file, line: b.line };
  return { file, blocks };
});

describe('TypeScript in the docs type-checks against the package', () => {
  it('every ts block that runs compiles under strict', () => {
    const blocks = documents.flatMap((d) => d.blocks.filter((b) => b.kind === 'ts' && runs(b)));
    assert.ok(blocks.length >= 10, `only ${blocks.length} TypeScript blocks found`);
    assert.deepEqual(typeCheck(blocks, ROOT), []);
  });
});

// Documents run side by side; the blocks of one document run in order.
describe('code blocks', { concurrency: true }, () => {
for (const { file, blocks } of documents) {
  describe(file, { concurrency: 1 }, () => {
    /** Documented port → the real one, for this document. */
    const ports = new Map();
    /** Children of this document's background blocks. */
    const background = [];

    before(async () => {
      ports.set('8000', (await service('default')).port);
    });
    after(() => Promise.all(background.map((child) => stop(child))));

    it('says why each block that does not run does not', () => {
      const problems = [];
      for (const b of blocks) {
        if (b.annotation.notRun !== undefined || b.kind !== 'sh') continue;
        const verdict = shellVerdict(b.code);
        if (verdict !== 'run' && verdict !== 'project') problems.push(`${file}:${b.line}: ${verdict}`);
      }
      blocks.forEach((b, i) => {
        if (b.annotation.output && !(i > 0 && runs(blocks[i - 1]))) problems.push(`${file}:${b.line}: an output block must follow a block that runs`);
        if (b.annotation.port !== undefined && !b.annotation.background) problems.push(`${file}:${b.line}: port= needs background`);
        for (const name of b.annotation.with ?? []) if (STAND_INS[name] === undefined) problems.push(`${file}:${b.line}: no stand-in named ${name}`);
      });
      assert.deepEqual(problems, []);
    });

    blocks.forEach((block, index) => {
      if (!runs(block)) return;
      const next = blocks[index + 1];
      const expected = next?.annotation.output ? next : undefined;
      const title = `${block.lang} block at line ${block.line}${block.annotation.background ? ' (background)' : ''}`;
      it(title, async () => {
        const a = block.annotation;
        let code = block.code;
        const back = {};
        for (const name of a.with) {
          const stand = STAND_INS[name];
          const urls = stand.urls(await service(stand.service));
          for (const [documented, real] of Object.entries(urls)) {
            assert.ok(code.includes(documented), `${file}:${block.line}: the block does not use ${documented} (with=${name})`);
            back[real] = documented;
          }
          code = replaceAll(code, urls);
        }
        for (const [documented, real] of ports) {
          if (documented === a.port) continue;
          code = code.replace(new RegExp(`\\b${documented}\\b`, 'g'), real);
          back[real] = documented;
        }
        if (a.port !== undefined) code = code.replace(new RegExp(`\\b${a.port}\\b`, 'g'), '0');
        const [command, args, input] = commandFor(block.kind, code, `${file}:${block.line}`, a.background);
        const env = { PATH: `${bin}:${process.env.PATH}` };

        let stdout;
        if (a.background) {
          const { line, child } = await startChild(command, args, { input, env });
          background.push(child);
          if (a.port !== undefined) {
            const port = /(?:127\.0\.0\.1|localhost):(\d+)/.exec(line)?.[1];
            assert.ok(port !== undefined, `${file}:${block.line}: the first line must name the port: ${line}`);
            ports.set(a.port, port);
            back[port] = a.port;
          }
          stdout = line;
        } else {
          const result = await runChild(command, args, { input, env });
          assert.equal(result.code, a.exit ?? 0, `${file}:${block.line} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
          stdout = result.stdout;
        }
        if (expected !== undefined) {
          const shown = Object.entries(back).reduce((text, [real, documented]) => text.replace(new RegExp(`\\b${real.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\b`, 'g'), documented), stdout);
          assert.equal(normalize(shown), normalize(expected.code), `${file}:${expected.line}: the output shown differs from the real one`);
        }
      });
    });
  });
}

});

/** Whether a block is run (see the rules at the top). */
function runs(block) {
  if (block.kind === undefined || block.annotation.notRun !== undefined || block.annotation.output) return false;
  return block.kind !== 'sh' || shellVerdict(block.code) === 'run';
}
