// What importing the codec loads (portable-core issue, item 1): `xmlrpc-ts/codec` loads no undici,
// no xmlbuilder2 and no fast-xml-parser; fast-xml-parser loads only when loadFastXmlParser() is
// called. Checked in child processes whose module loader refuses those packages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hookedNode } from '../core/hooked-node.js';

// A resolve hook that refuses the three packages: a load of any of them fails the import, naming it.
const run = hookedNode(`export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = /\\/node_modules\\/(undici|xmlbuilder2|fast-xml-parser)\\//.exec(resolved.url);
  if (m !== null) throw new Error('REFUSED LOAD OF ' + m[1]);
  return resolved;
}\n`);

describe('importing xmlrpc-ts/codec loads nothing else', () => {
  it('the codec subpath imports and works with undici, xmlbuilder2 and fast-xml-parser refused', () => {
    const r = run(`const c = await import('xmlrpc-ts/codec');
      console.log(JSON.stringify(c.decodeCall(c.encodeCall('m', [1, 'x']))));`);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim(), '{"methodName":"m","params":[1,"x"]}');
  });
  it('the root entry imports without them too; undici loads at the first call', () => {
    const r = run(`const x = await import('xmlrpc-ts');
      console.log('imported');
      await new x.Client('http://127.0.0.1:9/RPC2', { transport: 'undici' }).call('m', []);`);
    assert.match(r.out, /imported/);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /REFUSED LOAD OF undici/);
  });
  it('fast-xml-parser loads only when loadFastXmlParser() is called', () => {
    const r = run(`const c = await import('xmlrpc-ts/codec');
      console.log('imported');
      await c.loadFastXmlParser();`);
    assert.match(r.out, /imported/);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /REFUSED LOAD OF fast-xml-parser/);
  });
});
