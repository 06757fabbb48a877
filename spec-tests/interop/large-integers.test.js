// A JavaScript handler returning Date.now(), a file size or a database id beyond 2^31 answers a
// Python client (issue 17 §2): a safe integer beyond int32 is written as <i8>, which Python reads
// as an int. Python's xmlrpc.client is the real one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'xmlrpc-ts';
import { runPythonChecks } from './server-support.js';

describe('safe integers beyond int32 reach Python as ints', () => {
  const now = Date.now();
  let server;
  let url;
  before(async () => {
    server = createServer({ logHandlerErrors: false });
    server.addMethod('now', () => now);
    server.addMethod('fileSize', () => 5 * 2 ** 32 + 7);
    server.addMethod('small', () => 42);
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/RPC2`;
  });
  after(() => server.close());

  for (const [method, expected] of [['now', () => String(now)], ['fileSize', () => String(5 * 2 ** 32 + 7)], ['small', () => '42']]) {
    it(`${method}() is a Python int equal to the number`, async () => {
      const checks = runPythonChecks('call_method.py', [url, method]);
      try {
        assert.deepEqual(await checks.results, { type: 'int', repr: expected() });
      } finally {
        checks.kill();
      }
    });
  }
});
