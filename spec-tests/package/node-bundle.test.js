// The build Node loads (build/node-bundle.mjs): every export's `node` condition and the bin lead
// into dist/bundle/, `xmlrpc-ts/codec` reads two files there, a class is the same object whichever
// entry it comes from, and each entry exports what the per-module build exports, under the same
// names. The rest of the suite imports the package by its names, so it runs on this build.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hookedNode, ROOT } from '../core/hooked-node.js';

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const ENTRIES = { 'xmlrpc-ts': 'index', 'xmlrpc-ts/codec': 'codec', 'xmlrpc-ts/client': 'client', 'xmlrpc-ts/server': 'server', 'xmlrpc-ts/contract': 'contract' };
const PER_MODULE = { index: 'index.js', codec: 'codec/index.js', client: 'client/index.js', server: 'server/index.js', contract: 'contract/index.js' };

// A load hook that prints, on stderr, each file of this package's dist/ and each package it loads.
const DIST = pathToFileURL(join(ROOT, 'dist')).href + '/';
const hooked = hookedNode(`export async function load(url, context, next) {
  if (url.startsWith(${JSON.stringify(DIST)})) process.stderr.write('LOADED dist/' + url.slice(${DIST.length}) + '\\n');
  const m = /\\/node_modules\\/(undici|xmlbuilder2|fast-xml-parser)\\//.exec(url);
  if (m !== null) process.stderr.write('LOADED package ' + m[1] + '\\n');
  return next(url, context);
}\n`);

/** Runs `script` (an ES module) in a fresh Node that logs what it loads; resolves the lines. */
function run(script) {
  const r = hooked(script);
  assert.equal(r.code, 0, r.err);
  const loaded = r.err.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
  return { out: r.out, loaded };
}

describe('the build Node loads', () => {
  it('every export resolves into dist/bundle/ under the node condition, and the bin is there', () => {
    for (const [specifier, name] of Object.entries(ENTRIES)) {
      assert.equal(import.meta.resolve(specifier), pathToFileURL(join(ROOT, 'dist', 'bundle', `${name}.js`)).href, specifier);
    }
    for (const bin of Object.values(PKG.bin)) assert.equal(bin, './dist/bundle/cli.cjs');
  });

  it('xmlrpc-ts/codec reads two files, core.js and codec.js, and no dependency', () => {
    const { out, loaded } = run(`const c = await import('xmlrpc-ts/codec');
      console.log(JSON.stringify(c.decodeResponse(c.encodeResponse({ a: [1, 'x'] }))));`);
    assert.equal(out.trim(), '{"a":[1,"x"]}');
    assert.deepEqual(loaded.sort(), ['dist/bundle/codec.js', 'dist/bundle/core.js']);
  });

  it('the fast-xml-parser reader and the undici transport load on first use, from their own files', async () => {
    const { out, loaded } = run(`const x = await import('xmlrpc-ts');
      console.log('imported');
      await x.loadFastXmlParser();
      const server = x.createServer();
      server.addMethod('add', (a, b) => a + b);
      const { port } = await server.listen(0, '127.0.0.1');
      const client = new x.Client('http://127.0.0.1:' + port + '/RPC2');
      try {
        console.log(await client.call('add', [2, 3]));
      } finally {
        await client.close();
        await server.close();
      }`);
    assert.deepEqual(out.trim().split('\n'), ['imported', '5']);
    assert.ok(loaded.includes('dist/bundle/fxp-reader.js'), loaded.join(', '));
    // 'auto' on Node is undici, loaded at the first call from the chunk the build made of it.
    assert.ok(loaded.includes('package undici'), loaded.join(', '));
    assert.ok(loaded.includes('package fast-xml-parser'), loaded.join(', '));
    assert.deepEqual(loaded.filter((l) => l.startsWith('dist/') && !l.startsWith('dist/bundle/')), []);
  });

  it('a class or function is one object whichever entry it is imported from', async () => {
    const root = await import('xmlrpc-ts');
    for (const specifier of Object.keys(ENTRIES)) {
      const entry = await import(specifier);
      for (const [name, value] of Object.entries(entry)) {
        if (name in root) assert.equal(value, root[name], `${specifier} ${name} is not the root's ${name}`);
      }
    }
    // The server knows the `Fault` a user imports from the codec: its code reaches the caller.
    const { Fault } = await import('xmlrpc-ts/codec');
    const { XmlRpcDispatcher } = await import('xmlrpc-ts/server');
    const dispatcher = new XmlRpcDispatcher();
    dispatcher.addMethod('boom', () => { throw new Fault(7, 'no'); });
    const { decodeResponse, encodeCall } = await import('xmlrpc-ts/codec');
    const response = await dispatcher.dispatch(encodeCall('boom', []));
    assert.throws(() => decodeResponse(response), (e) => e instanceof Fault && e.faultCode === 7 && e.faultString === 'no');
  });

  it('each entry exports the names the per-module build exports, of the same kind and name', async () => {
    for (const [specifier, name] of Object.entries(ENTRIES)) {
      const bundled = await import(specifier);
      const perModule = await import(pathToFileURL(join(ROOT, 'dist', PER_MODULE[name])).href);
      assert.deepEqual(Object.keys(bundled).sort(), Object.keys(perModule).sort(), specifier);
      for (const key of Object.keys(perModule)) {
        assert.equal(typeof bundled[key], typeof perModule[key], `${specifier} ${key}`);
        // Bundling renames a top-level name that two modules share; what users see keeps its name.
        if (typeof perModule[key] === 'function') assert.equal(bundled[key].name, perModule[key].name, `${specifier} ${key}.name`);
      }
    }
  });
});
