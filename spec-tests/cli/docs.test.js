// Every example of docs/cli.md is run and its output compared, so "every example below is a
// real run" stays true.
//
// The rules, for whoever edits docs/cli.md:
// - A fenced block without a language whose first line starts with "$ " is an example. Each
//   "$ COMMAND" line runs with bash in a scratch directory, where `xmlrpc` is the built CLI and
//   fixtures/ is the repository's; stdout and stderr are read together, as a terminal shows
//   them. The lines up to the next "$ " line are the expected output (trailing spaces and
//   trailing blank lines ignored); a last line "[exit N]" is the expected exit code (0 when
//   there is none); a line "..." stands for any number of lines.
// - `$ cat FILE`, when the scratch directory has no FILE yet, first creates FILE with the
//   content shown: the example defines the file it then uses.
// - `$ xmlrpc serve MODULE --port 8080` is the server of the document: it starts before every
//   other example (on a free port), its output is compared once it has printed as many lines as
//   shown, and it runs until the examples are done.
// - Ports: 8080 is that server, 40727 is fixtures/cli/py_server.py (Python's SimpleXMLRPCServer),
//   9 is a port nothing listens on. The real ports replace them in commands and are turned back
//   into them in the output; `Date:` headers and the versions of Python and xmlrpc-ts are
//   normalised on both sides.
// - `<!-- not-run: why -->` on the line before a block skips it (the reason is required). Any
//   other block (one with a language, or not made of "$ " lines) must carry one, so nothing is
//   shown as a run that is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractBlocks, shellVerdict } from '../docs/blocks.js';
import { ROOT, startPython } from './support.js';

const DOC = 'docs/cli.md';
const RUN_LIMIT_MS = 20_000;
const SERVE_LIMIT_MS = 10_000;
/** The ports docs/cli.md shows, by what they stand for. */
const DOC_PORTS = { serve: 8080, python: 40727, refused: 9 };

/** One "$ COMMAND" of an example block, with what it must print. */
function readExamples(block) {
  const lines = block.code.replace(/\n$/, '').split('\n');
  const examples = [];
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('$ ')) examples.push({ command: line.slice(2), line: block.line + 1 + i, expected: [] });
    else examples.at(-1).expected.push(line.trimEnd());
  }
  for (const example of examples) {
    const expected = example.expected;
    while (expected.length > 0 && expected.at(-1) === '') expected.pop();
    const exit = /^\[exit (\d+)\]$/.exec(expected.at(-1) ?? '');
    example.exit = exit === null ? 0 : Number(exit[1]);
    if (exit !== null) expected.pop();
  }
  return examples;
}

const markdown = readFileSync(join(ROOT, DOC), 'utf8');
const blocks = extractBlocks(markdown, DOC);
const examples = [];
const unmarked = [];
const skipped = [];
for (const block of blocks) {
  if (block.annotation.notRun !== undefined) skipped.push(block);
  else if (block.lang === '' && block.code.startsWith('$ ')) examples.push(...readExamples(block));
  else unmarked.push(block);
}
const serveExamples = examples.filter((e) => /^xmlrpc serve /.test(e.command));

/** The real port of each documented one, once the servers run. */
const realPorts = {};

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The command with the documented ports replaced by the real ones. */
function toReal(command) {
  let out = command.replace(/--port 8080\b/, '--port 0');
  for (const [name, port] of Object.entries(DOC_PORTS)) {
    out = out.replace(new RegExp(`\\b(localhost|127\\.0\\.0\\.1):${port}\\b`, 'g'), `$1:${realPorts[name]}`);
  }
  return out;
}

/** Output lines with the real ports turned back into the documented ones, and what varies normalised. */
function normalise(lines, real) {
  return lines.map((line) => {
    let out = line.trimEnd();
    if (real) {
      for (const [name, port] of Object.entries(DOC_PORTS)) {
        out = out.replace(new RegExp(`\\b(localhost|127\\.0\\.0\\.1):${realPorts[name]}\\b`, 'g'), `$1:${port}`);
      }
    }
    return out
      .replace(/^< Date: .*$/i, '< Date: (date)')
      .replace(/\bPython\/[0-9][0-9.]*/g, 'Python/(version)')
      .replace(/\bxmlrpc-ts\/[0-9][^\s)]*/g, 'xmlrpc-ts/(version)');
  });
}

/** Lines of output, without the empty string after the last newline or trailing blank lines. */
function outputLines(text) {
  const lines = text.split('\n');
  while (lines.length > 0 && lines.at(-1).trim() === '') lines.pop();
  return lines;
}

/** Asserts that `actual` lines match `expected`, where a line "..." matches any number of lines. */
function assertLines(actual, expected, where) {
  const got = normalise(actual, true);
  const want = normalise(expected, false);
  if (!want.includes('...')) {
    assert.equal(got.join('\n'), want.join('\n'), `${where}: the output differs from the document`);
    return;
  }
  const pattern = want.map((l) => (l === '...' ? '(?:[^\\n]*\\n)*?' : `${escapeRegExp(l)}\\n`)).join('');
  assert.match(got.map((l) => l + '\n').join(''), new RegExp(`^${pattern}$`), `${where}: the output differs from the document`);
}

const scratch = mkdtempSync(join(tmpdir(), 'xmlrpc-cli-docs-'));
const bin = join(scratch, 'bin');
const work = join(scratch, 'work');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
let python;
let serve;

/**
 * Runs one command line with bash in the scratch directory, stderr into the same pipe as stdout,
 * in its own process group, killed (by that group's id) if it runs too long.
 */
function run(command) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec 2>&1\n${command}`], { cwd: work, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const chunks = [];
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group has just ended by itself.
      }
    }, RUN_LIMIT_MS);
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** Starts the serve example; resolves once it printed `lines` lines, with { pid, output, stop }. */
function startServeExample(command, lines) {
  const child = spawn('bash', ['-c', `exec 2>&1\nexec ${command}`], { cwd: work, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(child.pid, 'SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop().then(() => reject(new Error(`${command}: printed ${JSON.stringify(output)} in ${SERVE_LIMIT_MS} ms, expected ${lines} lines`)));
    }, SERVE_LIMIT_MS);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before it printed ${lines} lines: ${output}`));
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const port = /^Listening on http:\/\/127\.0\.0\.1:(\d+)\//m.exec(output);
      if (port !== null && outputLines(output).length >= lines) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ pid: child.pid, port: Number(port[1]), output, stop });
      }
    });
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

/** A port that was free a moment ago: bound, noted, closed. */
function freedPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe(`the examples of ${DOC}`, () => {
  before(async () => {
    mkdirSync(bin);
    mkdirSync(work);
    writeFileSync(join(bin, 'xmlrpc'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/bundle/cli.cjs')}" "$@"\n`);
    chmodSync(join(bin, 'xmlrpc'), 0o755);
    symlinkSync(join(ROOT, 'fixtures'), join(work, 'fixtures'), 'dir');
    realPorts.refused = await freedPort();
    python = await startPython();
    realPorts.python = python.port;
    if (serveExamples.length === 1) {
      const [example] = serveExamples;
      serve = await startServeExample(toReal(example.command), example.expected.length);
      realPorts.serve = serve.port;
    }
  });

  after(async () => {
    await serve?.stop();
    await python?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every block is an example or says why it is not run', (t) => {
    for (const block of skipped) t.diagnostic(`${DOC}:${block.line} is not run: ${block.annotation.notRun}`);
    const problems = unmarked.map((b) => `${DOC}:${b.line}: a \`\`\`${b.lang} block that is not "$ COMMAND" lines needs <!-- not-run: why -->`);
    for (const b of blocks) {
      const { notRun, with: uses, ...items } = b.annotation;
      if (uses.length > 0 || Object.keys(items).length > 0) problems.push(`${DOC}:${b.line}: doc-test annotations are not read here; mark it <!-- not-run: why --> or make it an example`);
    }
    assert.deepEqual(problems, []);
    assert.ok(examples.length >= 20, `only ${examples.length} examples found`);
  });

  it('there is one serve example, the server of the other examples', () => {
    assert.equal(serveExamples.length, 1, serveExamples.map((e) => `${DOC}:${e.line}`).join(', '));
    assert.match(serveExamples[0].command, /--port 8080\b/);
  });


  for (const example of examples) {
    const where = `${DOC}:${example.line}`;
    it(`${where}: $ ${example.command}`, async () => {
      const verdict = shellVerdict(example.command);
      assert.equal(verdict, 'run', `${where}: ${verdict}`);
      if (example === serveExamples[0]) {
        assert.ok(serve !== undefined, 'the serve example did not start');
        assertLines(outputLines(serve.output), example.expected, where);
        return;
      }
      const file = /^cat (\S+)$/.exec(example.command)?.[1];
      if (file !== undefined && !existsSync(join(work, file))) writeFileSync(join(work, file), example.expected.join('\n') + '\n');
      const result = await run(toReal(example.command));
      assertLines(outputLines(result.output), example.expected, where);
      assert.equal(result.code, example.exit, `${where}: exit code (output: ${result.output})`);
    });
  }
});
