// The suite Deno and Bun both pass (deno.test.js, bun.test.js): the codec conformance fixtures,
// our client against our Node server and against Python's xmlrpc.server, and createFetchHandler
// served by the runtime itself, called by Python's xmlrpc.client and by our client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Fault, createServer } from 'xmlrpc-ts';
import { EXPECTED_CLIENT_RESULTS, EXPECTED_OWN_SERVER_RESULTS, runClientChecks } from '../../fixtures/runtimes/client-checks.js';
import { registerMethods } from '../../fixtures/runtimes/methods.js';
import { FIXTURES, REQUIRED, binary, requireRuntimes, runJson, skipUnless, startPythonServer, startServer } from './support.js';

/** What Python's xmlrpc.client gets from our fetch handler (fixtures/runtimes/py_calls.py). */
export const EXPECTED_PYTHON_RESULTS = {
  add: 5,
  echo: { s: 'héllo <&> ✓', when: { $date: '1998-07-17T14:08:55' }, bytes: { $bytes: '0001ff' }, none: null },
  divide_by_zero: { $fault: [1, 'division by zero'] },
  typed: { when: { $date: '1998-07-17T14:08:55' }, bytes: { $bytes: '000102ff' }, big: 1099511627776, ratio: 2.5 },
  large_text_length: 5000,
  list_methods: true,
};

/**
 * Registers the suite for `runtime` ('deno' or 'bun'); `command(script, ...args)` gives the
 * argument list that runs a fixtures/runtimes script in it.
 */
export function runtimeSuite(runtime, command) {
  const skip = skipUnless(runtime, 'python3');
  const exec = (script, ...args) => runJson(binary(runtime), command(FIXTURES + script, ...args), { timeoutMs: 60_000 });

  describe(`${runtime}: the codec`, { skip: skipUnless(runtime) }, () => {
    before(() => REQUIRED && requireRuntimes(runtime));
    test('every conformance fixture (fixtures/codec) decodes to its expected outcome, through both readers', async () => {
      const { runtime: version, checked, failed } = await exec('codec-fixtures.js');
      assert.match(version, new RegExp(`^${runtime} `));
      assert.ok(checked >= 400, `only ${checked} fixtures checked`);
      assert.deepEqual(failed, []);
    });
  });

  describe(`${runtime}: our client`, { skip }, () => {
    let server;
    let python;
    let ownUrl;
    let pythonUrl;
    before(async () => {
      if (REQUIRED) requireRuntimes(runtime, 'python3');
      server = registerMethods(createServer());
      ownUrl = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}/RPC2`;
      python = startPythonServer();
      pythonUrl = `http://127.0.0.1:${await python.ready}/RPC2`;
    });
    after(async () => {
      await python?.stop();
      await server?.close();
    });

    test('calls our node:http server with the transport it picks itself: values typed, faults as Fault', async () => {
      assert.deepEqual(await exec('client-run.js', ownUrl, 'own'), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
    });
    test("calls our node:http server with transport: 'fetch'", async () => {
      assert.deepEqual(await exec('client-run.js', ownUrl, 'own', 'fetch'), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
    });
    test("calls Python's xmlrpc.server", async () => {
      assert.deepEqual(await exec('client-run.js', pythonUrl), EXPECTED_CLIENT_RESULTS);
    });
  });

  describe(`${runtime}: createFetchHandler served by the runtime`, { skip }, () => {
    let served;
    let url;
    before(async () => {
      if (REQUIRED) requireRuntimes(runtime, 'python3');
      served = startServer(binary(runtime), command(FIXTURES + 'serve.js'));
      url = `http://127.0.0.1:${await served.ready}/RPC2`;
    });
    after(() => served?.stop());

    test("Python's xmlrpc.client calls it: values, gzip, faults, introspection", async () => {
      assert.deepEqual(await runJson('python3', [FIXTURES + 'py_calls.py', url]), EXPECTED_PYTHON_RESULTS);
    });
    test('our client calls it, from Node and from the runtime itself', async () => {
      assert.deepEqual(await runClientChecks(Client, Fault, url, {}, true), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
      assert.deepEqual(await exec('client-run.js', url, 'own'), { ...EXPECTED_CLIENT_RESULTS, ...EXPECTED_OWN_SERVER_RESULTS });
    });
    test('with an AsyncLocalStorage installed, currentCall() works after await', async () => {
      const client = new Client(url);
      assert.equal(await client.call('path_after_await'), '/RPC2');
      await client.close();
    });
    test('a browser GET gets the documentation page; a program GET gets 405', async () => {
      const page = await fetch(url, { headers: { Accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type'), /^text\/html/);
      assert.match(await page.text(), /Runtime test server/);
      const program = await fetch(url);
      assert.equal(program.status, 405);
      assert.equal(program.headers.get('allow'), 'GET, HEAD, POST');
      await program.arrayBuffer();
    });
  });
}
