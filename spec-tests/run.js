// Runs the test files under spec-tests/ (or under the folders given) with node's test runner, in
// the Node that runs this script. Node 22+ no longer expands a folder given to `--test`, so the
// files are listed here; this works the same on Node 20, 22 and 24.
//   node spec-tests/run.js                 every *.test.js
//   node spec-tests/run.js codec server    the files under spec-tests/codec and spec-tests/server
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const folders = process.argv.slice(2);

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = (folders.length === 0 ? [here] : folders.map((f) => join(here, f))).flatMap(testFiles);
if (files.length === 0) {
  console.error(`no test files under ${folders.join(', ') || 'spec-tests/'}`);
  process.exit(2);
}
const child = spawn(process.execPath, ['--test', '--test-timeout=120000', ...files.map((f) => relative(process.cwd(), f))], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
