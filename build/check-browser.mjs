// Type-checks the docs page's browser script (lib/server/docs/browser/) with the DOM types of
// tsconfig.browser.json. Only diagnostics in the browser files count: the shared modules it
// imports are checked by tsconfig.json in their own (Node) setting, and some of their Node-side
// code does not type-check against the DOM's stricter Web types.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const browserDir = join(root, 'lib/server/docs/browser') + '/';
const configPath = join(root, 'tsconfig.browser.json');
const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || d.file.fileName.startsWith(browserDir));
if (diagnostics.length > 0) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnostics(diagnostics, host));
  process.exit(1);
}
console.log(`type-checked ${parsed.fileNames.map((f) => relative(root, f)).join(', ')} with DOM types`);
