// Ruby's XMLRPC::Client (Debian's ruby-xmlrpc) sends integers beyond 32 bits as an oversize <i4>
// (with XMLRPC::Config::ENABLE_BIGINT, as its users set it); our server reads them like <i8> and
// answers them back. Skipped without ruby and ruby-xmlrpc, unless XMLRPC_TS_SERVICES=required.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'xmlrpc-ts';
import { unavailable } from './support.js';

const SCRIPT = fileURLToPath(new URL('../../fixtures/services/ruby_bigint_client.rb', import.meta.url));
const skip = unavailable('ruby', 'ruby ruby-xmlrpc', ['-e', 'require "xmlrpc/client"']);

/** Runs the Ruby client against `url`; resolves with its JSON line. */
function runRuby(url) {
  return new Promise((resolve, reject) => {
    execFile('ruby', [SCRIPT, url], { timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`ruby failed (${error.code ?? error.signal}): ${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim()));
      } catch {
        reject(new Error(`ruby printed no JSON: ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
  });
}

describe("Ruby's XMLRPC::Client with integers beyond 32 bits", { skip }, () => {
  let server;
  let url;

  before(async () => {
    server = createServer();
    server.addMethod('echo', (x) => x);
    server.addMethod('asText', (x) => String(x));
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/RPC2`;
  });

  after(() => server?.close());

  it('2**40 sent as an oversize <i4> is read like <i8> and comes back', async () => {
    const results = await runRuby(url);
    assert.deepEqual(results, [
      { value: '1099511627776' },
      { value: '-1099511627776' },
      { value: '"1099511627776"' },
      { value: '[1099511627776, 7]' },
    ]);
  });
});
