// The API reference (`npm run docs`, TypeDoc) is generated from TSDoc comments; this checks,
// with the TypeScript compiler and without TypeDoc, that every public export of lib/index.ts
// and every public method of an exported class has one, as the house style requires.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INDEX = `${ROOT}lib/index.ts`;

/** "name (file)" for every public export or exported-class method without a doc comment. */
function undocumented() {
  const program = ts.createProgram([INDEX], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    types: ['node'],
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX));
  const missing = [];
  const where = (symbol) => {
    const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '?';
    return file.startsWith(ROOT) ? file.slice(ROOT.length) : file;
  };
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (symbol.getDocumentationComment(checker).length === 0) missing.push(`${exported.name} (${where(symbol)})`);
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
      const declaration = member.valueDeclaration;
      if (declaration === undefined || !ts.isMethodDeclaration(declaration)) continue;
      const modifiers = ts.getCombinedModifierFlags(declaration);
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (member.name.startsWith('__@')) continue; // symbol-keyed: not part of the API
      if (!declaration.getSourceFile().fileName.startsWith(`${ROOT}lib/`)) continue; // inherited from Error etc.
      if (member.getDocumentationComment(checker).length === 0) missing.push(`${exported.name}.${member.name} (${where(member)})`);
    }
  }
  return missing;
}

describe('the API reference', () => {
  it('every public export and public method of lib/index.ts has a TSDoc comment', () => {
    assert.deepEqual(undocumented(), []);
  });
});
