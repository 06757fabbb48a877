// docs/observability.md: its TypeScript blocks type-check strictly against the package, and
// each block followed by an `output` block prints exactly that (the rules of the docs blocks are
// in spec-tests/docs/code-blocks.test.js).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks, stripTypes, typeCheck } from '../docs/blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const FILE = 'docs/observability.md';
const RUN_LIMIT_MS = 20_000;
/** Blocks that publish on the tracing channels print nothing until the client and server trace. */

const blocks = extractBlocks(readFileSync(join(ROOT, FILE), 'utf8'), FILE);
for (const b of blocks) b.where = { file: FILE, line: b.line };

function runModule(code) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module'], { cwd: ROOT, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr }),
    );
    child.stdin.end(code);
  });
}

describe(FILE, () => {
  it('every ts block compiles under strict', () => {
    const ts = blocks.filter((b) => b.kind === 'ts' && b.annotation.notRun === undefined);
    assert.ok(ts.length >= 2, `only ${ts.length} TypeScript blocks`);
    assert.deepEqual(typeCheck(ts, ROOT), []);
  });

  blocks.forEach((block, index) => {
    const expected = blocks[index + 1];
    if (block.kind !== 'ts' || block.annotation.notRun !== undefined || expected?.annotation.output !== true) return;
    it(`the ts block at line ${block.line} prints what the document shows`, async () => {
      const result = await runModule(stripTypes(block.code, `${FILE}:${block.line}.ts`));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trimEnd(), expected.code.trimEnd());
    });
  });
});
