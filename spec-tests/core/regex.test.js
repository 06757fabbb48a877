// Every regular expression in lib/ runs in linear time (hardening issue, defect 1): each regex
// literal and each `new RegExp(...)`/`RegExp(...)` in lib/**/*.ts is found with the TypeScript
// compiler's own parser and checked with recheck; only `safe` passes. A pattern built at run time
// cannot be checked, so it fails too: write it as a literal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { check } from 'recheck';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIB = join(ROOT, 'lib');

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** Every regex in `source`: `{ where, pattern, flags }`, or `{ where, dynamic }` for a pattern not written as a literal. */
export function regexesIn(fileName, source) {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found = [];
  const where = (node) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return `${relative(ROOT, fileName)}:${line + 1}:${character + 1}`;
  };
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      const end = text.lastIndexOf('/');
      found.push({ where: where(node), pattern: text.slice(1, end), flags: text.slice(end + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      const literal = (n) => n !== undefined && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n));
      if (literal(pattern) && (flags === undefined || literal(flags))) {
        found.push({ where: where(node), pattern: pattern.text, flags: flags?.text ?? '' });
      } else {
        found.push({ where: where(node), dynamic: node.getText(sf).slice(0, 80) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

async function verdict({ pattern, flags }) {
  const result = await check(pattern, flags, { timeout: 10_000 });
  return result.status;
}

describe('regular expressions in lib/ run in linear time', () => {
  const all = tsFiles(LIB).flatMap((file) => regexesIn(file, readFileSync(file, 'utf8')));

  it('the search finds the regexes (literals and RegExp constructors)', () => {
    assert.ok(all.length >= 20, `only ${all.length} regexes found in lib/`);
    const sample = regexesIn('x.ts', "const a = /a+b/g; const b = new RegExp('c*d', 'i'); const c = RegExp(`e`); const d = new RegExp(name);");
    assert.deepEqual(sample.map((r) => r.pattern ?? 'dynamic'), ['a+b', 'c*d', 'e', 'dynamic']);
  });

  it('the checker refuses a quadratic pattern: the decimal grammar that blocked a server for 18.8 s', async () => {
    assert.equal(await verdict({ pattern: '^[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?$', flags: '' }), 'vulnerable');
  });

  it('every regex in lib/ is safe by recheck, and none is built at run time', async () => {
    const problems = [];
    for (const r of all) {
      if (r.dynamic !== undefined) {
        problems.push(`${r.where}: a pattern built at run time cannot be checked (${r.dynamic}); write it as a literal`);
        continue;
      }
      const status = await verdict(r);
      if (status !== 'safe') problems.push(`${r.where}: /${r.pattern.slice(0, 120)}/${r.flags} is ${status}`);
    }
    assert.deepEqual(problems, []);
  });
});
