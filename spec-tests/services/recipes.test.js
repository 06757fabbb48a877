// The supervisord and aria2 recipes of docs/recipes.md, run against the real daemons: each block
// marked `<!-- not-run: run against a real supervisord|aria2 by spec-tests/services/recipes.test.js -->`
// runs (TypeScript with its types stripped, or sh with `xmlrpc` as the built CLI), with the
// documented URLs replaced by the scratch daemon's, and must print the block after it, where
// the values that differ on every run (ports, socket paths, pids, uptimes, download ids, the
// aria2 version) are turned back into the documented ones. The TypeScript also type-checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'xmlrpc-ts';
import { extractBlocks, stripTypes, typeCheck } from '../docs/blocks.js';
import { ARIA2_SECRET, startAria2, startSupervisord, stopChild, unavailable } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const FILE = 'docs/recipes.md';
const MARK = 'by spec-tests/services/recipes.test.js';
const RUN_LIMIT_MS = 20_000;

/** The recipe blocks for `daemon`, each with the output block after it. */
function recipes(daemon) {
  const blocks = extractBlocks(readFileSync(join(ROOT, FILE), 'utf8'), FILE);
  const out = [];
  blocks.forEach((block, i) => {
    if (block.annotation.notRun !== `run against a real ${daemon} ${MARK}`) return;
    const expected = blocks[i + 1];
    assert.ok(block.kind === 'ts' || block.kind === 'sh', `${FILE}:${block.line}: a ${block.lang} block cannot run`);
    assert.ok(expected?.lang === 'text' && expected.annotation.notRun?.startsWith('what the '), `${FILE}:${block.line}: no output block after it`);
    out.push({ ...block, where: { file: FILE, line: block.line }, expected: expected.code });
  });
  return out;
}

let scratch;
let bin;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-recipes-'));
  // `xmlrpc` on PATH is the built CLI, as `npx xmlrpc` is in the project.
  bin = join(scratch, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'xmlrpc'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}/dist/bundle/cli.cjs" "$@"\n`);
  chmodSync(join(bin, 'xmlrpc'), 0o755);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a block with `urls` replaced; resolves with { code, stdout, stderr }. */
function runBlock(block, urls) {
  const used = Object.keys(urls).filter((documented) => block.code.includes(documented));
  assert.ok(used.length > 0, `${FILE}:${block.line}: the block uses none of ${Object.keys(urls).join(', ')}`);
  const code = used.reduce((text, documented) => text.split(documented).join(urls[documented]), block.code);
  const [command, args, input] = block.kind === 'ts'
    ? [process.execPath, ['--input-type=module'], stripTypes(code, `${FILE}:${block.line}.ts`)]
    : ['bash', ['-e', '-o', 'pipefail', '-c', code.replace(/\bnpx xmlrpc\b/g, 'xmlrpc')], ''];
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: ['pipe', 'pipe', 'pipe'] });
  const timer = setTimeout(() => stopChild(child, 1000), RUN_LIMIT_MS);
  const out = [];
  const err = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit, signal) => {
      clearTimeout(timer);
      resolve({ code: exit ?? signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Output lines without trailing spaces, with each real value turned back into its documented one. */
function shown(text, back) {
  let out = text;
  for (const [pattern, documented] of back) out = out.replace(pattern, documented);
  return out.split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One test per recipe block, in order, and a type check of the TypeScript ones. */
function recipeTests(daemon, context) {
  const blocks = recipes(daemon);
  it('the recipes are found', () => assert.ok(blocks.length >= 1, `only ${blocks.length} ${daemon} blocks in ${FILE}`));
  it('the TypeScript recipes type-check against the package', () => {
    assert.deepEqual(typeCheck(blocks.filter((b) => b.kind === 'ts'), ROOT), []);
  });
  for (const block of blocks) {
    it(`${block.lang} block at line ${block.line} prints what the recipe shows`, async () => {
      const { urls, back } = context();
      const r = await runBlock(block, urls);
      assert.equal(r.code, 0, `${FILE}:${block.line} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.equal(shown(r.stdout, back), shown(block.expected, []), `${FILE}:${block.line}: the output shown differs from the real one`);
    });
  }
}

describe('supervisord recipes against a real supervisord', { skip: unavailable('supervisord', 'supervisor') }, () => {
  let daemon;
  before(async () => {
    daemon = await startSupervisord(mkdtempSync(join(scratch, 'supervisord-')));
  });
  after(() => daemon?.stop());

  recipeTests('supervisord', () => ({
    urls: {
      'unix:///var/run/supervisor.sock': `unix://${daemon.socket}`,
      'http://127.0.0.1:9001': `http://127.0.0.1:${daemon.port}`,
    },
    back: [
      [new RegExp(escape(daemon.socket), 'g'), '/var/run/supervisor.sock'],
      [new RegExp(`\\b${daemon.port}\\b`, 'g'), '9001'],
      [/pid \d+, uptime \d+:\d\d:\d\d/g, 'pid 4242, uptime 0:42:00'],
    ],
  }));
});

describe('aria2 recipes against a real aria2', { skip: unavailable('aria2c', 'aria2') }, () => {
  let daemon;
  let files;
  let version;
  let downloads;
  before(async () => {
    downloads = mkdtempSync(join(scratch, 'aria2-'));
    daemon = await startAria2(downloads);
    // The recipe's download comes from here: headers, then a body that never ends, so it stays active.
    files = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1 << 20 });
      res.write(Buffer.alloc(1024));
    });
    files.listen({ host: '127.0.0.1', port: 0 });
    await once(files, 'listening');
    const client = new Client(daemon.url);
    try {
      ({ version } = await client.call('aria2.getVersion', [`token:${ARIA2_SECRET}`]));
    } finally {
      await client.close();
    }
  });
  after(async () => {
    await daemon?.stop();
    files?.closeAllConnections();
    files?.close();
  });

  recipeTests('aria2', () => ({
    urls: {
      'http://127.0.0.1:6800': `http://127.0.0.1:${daemon.port}`,
      'https://example.com/file.iso': `http://127.0.0.1:${files.address().port}/file.iso`,
      "'/downloads'": JSON.stringify(downloads),
    },
    back: [
      [new RegExp(`^aria2 ${escape(version)}$`, 'm'), 'aria2 1.36.0'],
      [/\b[0-9a-f]{16}\b/g, '2089b05ecca3d829'],
    ],
  }));
});
