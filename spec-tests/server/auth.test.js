// Basic auth (lib/server/auth.ts) on both kinds of headers: a node:http record and a fetch Headers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basicAuth } from 'xmlrpc-ts/server';

const basic = (userPass) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('basicAuth reads credentials from any face', () => {
  const hook = basicAuth({ alice: 'pä:ss' }, { realm: 'calc' });
  test('a fetch Request (Headers) with the right credentials gives the user', async () => {
    const request = new Request('http://127.0.0.1/', { method: 'POST', headers: { Authorization: basic('alice:pä:ss') } });
    assert.equal(await hook(request), 'alice');
  });
  test('a node:http style record works the same', async () => {
    assert.equal(await hook({ headers: { authorization: basic('alice:pä:ss') } }), 'alice');
  });
  test('a wrong password, an unknown user, a malformed header and none are refused', async () => {
    for (const authorization of [basic('alice:wrong'), basic('bob:pä:ss'), 'Basic !!!', 'Basic a', 'Bearer x', undefined]) {
      assert.equal(await hook({ headers: { authorization } }), false, String(authorization));
    }
  });
  test('the challenge names the realm', () => {
    assert.equal(hook.challenge, 'Basic realm="calc", charset="UTF-8"');
  });
});

test('the checking part imports no node: module', () => {
  const source = readFileSync(new URL('../../dist/server/auth.js', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /from ['"]node:|require\(|Buffer/);
});
