// Bun (the npm package `bun`): codec, client and the fetch handler on Bun.serve.
import { runtimeSuite } from './server-runtime.js';

runtimeSuite('bun', (script, ...args) => [script, ...args]);
