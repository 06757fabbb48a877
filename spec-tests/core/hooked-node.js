// Fresh Node processes with a module-loader hook, for tests of what an import loads
// (spec-tests/codec/loading.test.js, spec-tests/package/node-bundle.test.js).
import { after } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Writes `hookSource` (a module exporting `resolve` and/or `load` hooks) to a scratch folder that
 * is removed after the test file, and returns `run(script)`: runs `script`, an ES module, in a
 * fresh Node (cwd: the repository) with the hook registered, and returns its exit code and output.
 */
export function hookedNode(hookSource) {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-hooked-node-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, hookSource);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  return (script) => {
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', script], {
      cwd: ROOT, encoding: 'utf8', timeout: 30_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
}
