// Deno (the npm package `deno`): codec, client and the fetch handler on Deno.serve.
import { ROOT } from './support.js';
import { runtimeSuite } from './server-runtime.js';

// Network to 127.0.0.1 only, reads under the project, nothing fetched from a registry.
runtimeSuite('deno', (script, ...args) => ['run', '--cached-only', '--allow-net=127.0.0.1', `--allow-read=${ROOT}`, '--allow-env', '--allow-sys', script, ...args]);
