// The `@example` blocks of the TSDoc comments in lib/ are code a reader copies, and TypeDoc shows
// them on the API pages: each one is type-checked strictly against the built package (`xmlrpc-ts`
// is dist/index.d.ts), with the support code-blocks.test.js uses for the README blocks. An example
// is the fenced block after the tag (```ts … ```), or the tag's whole text when it has no fence.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { typeCheck } from './blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
/** The entry points a newcomer starts from: each needs an example on its API page. */
const MAIN_ENTRY_POINTS = ['Client', 'createServer', 'encodeCall', 'decodeResponse', 'Fault', 'defineContract', 'createFetchHandler'];
const FENCE = /^(`{3,}|~{3,})[ \t]*([\w-]*)[ \t]*$/;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code of an `@example` tag's text: its first fenced block, else all of it. */
function exampleCode(text) {
  const lines = text.split('\n');
  const open = lines.findIndex((line) => FENCE.test(line.trim()));
  if (open === -1) return { code: text, offset: 0, lang: 'ts' };
  const [, fence, lang] = FENCE.exec(lines[open].trim());
  const close = lines.findIndex((line, i) => i > open && line.trim().startsWith(fence) && line.trim().replaceAll(fence[0], '') === '');
  if (close === -1) throw new Error(`an @example fence is not closed: ${lines[open]}`);
  return { code: lines.slice(open + 1, close).join('\n'), offset: open + 1, lang: lang.toLowerCase() };
}

/** Every `@example` in lib/: { file, line, symbol, lang, code }. */
function examples() {
  const found = [];
  for (const path of sourceFiles(join(ROOT, 'lib'))) {
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    const seen = new Set();
    const visit = (node) => {
      for (const tag of ts.getJSDocTags(node)) {
        if (tag.tagName.text !== 'example' || seen.has(tag.pos)) continue;
        seen.add(tag.pos);
        const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
        const { code, offset, lang } = exampleCode(text);
        // The tag's text starts on its own line, or on the next one when nothing follows `@example`.
        const tagLine = source.getLineAndCharacterOfPosition(tag.tagName.end).line + 1;
        const restOfLine = source.text.slice(tag.tagName.end, source.text.indexOf('\n', tag.tagName.end));
        const line = tagLine + (restOfLine.trim() === '' ? 1 : 0) + offset;
        const symbol = node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : ts.SyntaxKind[node.kind];
        found.push({ file: relative(ROOT, path), line, symbol, lang, code: `${code}\n` });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const all = examples();

describe('the @example blocks of the API reference', () => {
  it('are TypeScript (ts or typescript fences, or none)', () => {
    const other = all.filter((e) => !['ts', 'typescript', ''].includes(e.lang)).map((e) => `${e.file}:${e.line} (${e.symbol}): ${e.lang}`);
    assert.deepEqual(other, []);
  });

  it('each type-checks under strict against the built package', () => {
    // Each example is a module of its own that imports the package by name.
    const blocks = all.map((e) => ({ code: e.code, where: { file: `${e.file} (@example of ${e.symbol})`, line: e.line - 1 } }));
    assert.deepEqual(typeCheck(blocks, ROOT), []);
  });

  it(`cover the main entry points: ${MAIN_ENTRY_POINTS.join(', ')}`, () => {
    // The declaration an example sits on, by name (names are unique in the package).
    const have = new Set(all.map((e) => e.symbol));
    assert.deepEqual(MAIN_ENTRY_POINTS.filter((name) => !have.has(name)), []);
  });
});
