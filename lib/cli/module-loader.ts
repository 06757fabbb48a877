/**
 * Loading the module `xmlrpc serve` serves, with errors that say what to do: a syntax error's
 * line and column, and how to serve TypeScript where Node.js does not strip types.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './flags.js';

/** Imports the module at `path` (from `cwd`); any failure is a {@link UsageError} saying why. */
export async function loadModule(path: string, cwd: string): Promise<Record<string, unknown>> {
  const file = resolve(cwd, path);
  const url = pathToFileURL(file).href;
  try {
    return await import(url) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(url.replace(/^file:\/\//, ''))) {
      throw new UsageError(`cannot find the module ${JSON.stringify(path)}`);
    }
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(file)) {
      throw new UsageError(`cannot load the TypeScript module ${JSON.stringify(path)}: ${typeScriptHint()}`);
    }
    if (error instanceof SyntaxError) {
      const place = syntaxErrorPlace(file);
      if (place !== undefined) {
        throw new UsageError(`cannot load the module ${JSON.stringify(path)}: ${error.message} at line ${place.line}, column ${place.column}`, place.excerpt);
      }
    }
    throw new UsageError(`cannot load the module ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}

/** How to serve a `.ts` module on this Node.js, which does not strip types (or not by default). */
function typeScriptHint(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const flagOnly = (major === 22 && minor >= 6) || (major === 23 && minor < 6);
  const how = flagOnly
    ? 'run it with NODE_OPTIONS=--experimental-strip-types'
    : 'use Node.js 22.18 or later (it strips types), compile the module to JavaScript with tsc, or run with a loader (NODE_OPTIONS="--import tsx")';
  return `Node.js ${process.version} does not load TypeScript by itself; ${how}`;
}

/**
 * Where a module's syntax error is, from `node --check` (the error of `import()` names no line):
 * its line, column and the line with a caret under the column.
 */
function syntaxErrorPlace(file: string): { line: number; column: number; excerpt: string[] } | undefined {
  const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  // `FILE:LINE`, the source line, then a caret line.
  const lines = (result.stderr ?? '').split('\n');
  const at = lines.findIndex((l) => l.startsWith(file + ':'));
  if (at < 0) return undefined;
  const line = Number(lines[at]?.slice(file.length + 1));
  const source = lines[at + 1] ?? '';
  const caret = lines[at + 2] ?? '';
  const column = caret.indexOf('^') + 1;
  if (!Number.isSafeInteger(line) || line < 1 || column < 1) return undefined;
  const shown = source.length > 120 ? source.slice(Math.max(0, column - 60), column + 60) : source;
  const offset = source.length > 120 ? Math.max(0, column - 60) : 0;
  return { line, column, excerpt: [`  ${shown}`, `  ${' '.repeat(column - 1 - offset)}^`] };
}
