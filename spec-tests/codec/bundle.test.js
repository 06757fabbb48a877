// The portable codec (portable-core issue, items 1 and 2): `xmlrpc-ts/codec` bundles with esbuild
// for the browser with no shims, holds no `node:` import and no Buffer, runs where Buffer does not
// exist, and stays within its size budget (minified, gzipped, what loads at import: the optional
// fast-xml-parser reader is a separate chunk, loaded by loadFastXmlParser()).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { loadedAtImport as filesLoadedAtImport } from '../../bench/runtimes/bundle-size.js';

const ENTRY = fileURLToPath(new URL('../../lib/codec/index.ts', import.meta.url));
/**
 * Gzipped bytes of what a browser loads at import: at most the target, 15 kB (15,360
 * bytes). The codec was at 15,688 before the speed-only shortcuts (#fast-decode, #fast-paths)
 * were left out of browser bundles and class fields stopped being emitted as definitions; 16,630
 * before the transport errors left the codec subpath and base64 fell back on atob/btoa.
 */
const BUDGET_BYTES = 15 * 1024;

const out = mkdtempSync(join(tmpdir(), 'xmlrpc-codec-bundle-'));
after(() => rmSync(out, { recursive: true, force: true }));

const result = await build({
  entryPoints: { codec: ENTRY },
  bundle: true,
  platform: 'browser',
  format: 'esm',
  minify: true,
  splitting: true,
  outdir: out,
  metafile: true,
  logLevel: 'silent',
});

/** The output files loaded when the entry is imported: the entry and its static imports, transitively. */
const loadedAtImport = () => filesLoadedAtImport(result.metafile);

describe('xmlrpc-ts/codec bundles for the browser', () => {
  it('builds with no error, no warning and no external import', () => {
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      const external = output.imports.filter((i) => i.external && i.path !== 'fast-xml-parser');
      assert.deepEqual(external, [], file);
    }
  });
  it('holds no node: import and no Buffer', async () => {
    const { readFileSync } = await import('node:fs');
    for (const file of Object.keys(result.metafile.outputs)) {
      if (file.includes('fxp-reader')) continue; // the optional reader's chunk imports fast-xml-parser, itself portable
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /["']node:/, file);
      assert.doesNotMatch(text, /\bBuffer\b/, file);
    }
  });
  it(`what loads at import is at most ${BUDGET_BYTES} bytes gzipped`, async () => {
    const { readFileSync } = await import('node:fs');
    const files = loadedAtImport();
    const gzipped = gzipSync(Buffer.concat(files.map((f) => readFileSync(f))), { level: 9 }).length;
    assert.ok(gzipped <= BUDGET_BYTES, `${gzipped} bytes gzipped (${files.length} files)`);
  });
  it('leaves the speed-only paths out (the browser condition maps #fast-decode and #fast-paths to stubs), and Node takes the real ones', async () => {
    const inputs = Object.keys(result.metafile.inputs);
    for (const name of ['fast-decode', 'fast-paths']) {
      assert.ok(inputs.some((i) => i.endsWith(`codec/${name}-off.js`)), `the ${name} stub is bundled`);
      assert.ok(!inputs.some((i) => new RegExp(`codec[\\\\/]${name}\\.(js|ts)$`).test(i)), `${name} is not bundled`);
    }
    // The byte fast path is Node's alone (it slices text with Node's byte buffers).
    assert.ok(inputs.some((i) => i.endsWith('codec/fast-decode-bytes-off.js')), 'the byte path stub is bundled');
    assert.ok(!inputs.some((i) => /node[\\/]fast-decode-bytes\.(js|ts)$/.test(i)), 'the byte path is not bundled');
    const bytesPath = await import('#fast-decode-bytes');
    assert.equal(bytesPath.fastDecodeBytes, (await import('../../dist/node/fast-decode-bytes.js')).fastDecodeBytes);
    const resolved = await import('#fast-decode');
    const real = await import('../../dist/codec/fast-decode.js');
    assert.equal(resolved.fastDecode, real.fastDecode);
    const paths = await import('#fast-paths');
    const realPaths = await import('../../dist/codec/fast-paths.js');
    assert.equal(paths.specFormUtc, realPaths.specFormUtc);
    // What the browser gets declines everything, so the general path decodes.
    const stub = await import('../../dist/codec/fast-decode-off.js');
    const doc = '<methodResponse><params><param><value><int>3</int></value></param></params></methodResponse>';
    assert.deepEqual(real.fastDecode(doc, 0, settingsForTest()), { params: [3] });
    assert.equal(stub.fastDecode(doc, 0, settingsForTest()), undefined);
    const stubPaths = await import('../../dist/codec/fast-paths-off.js');
    assert.equal(realPaths.knownName(doc, 1), 'methodResponse');
    assert.equal(stubPaths.knownName(doc, 1), undefined);
    assert.equal(realPaths.specFormUtc('19980717T14:08:55').toISOString(), '1998-07-17T14:08:55.000Z');
    assert.equal(stubPaths.specFormUtc('19980717T14:08:55'), null);
  });
  it('the bundle runs where Buffer does not exist: a round trip of every type', () => {
    const url = pathToFileURL(join(out, 'codec.js')).href;
    const script = `delete globalThis.Buffer;
      const c = await import(${JSON.stringify(url)});
      const value = { s: 'h\\u00e9 & <x>', i: 7, big: 2 ** 40, d: 1.5, b: true, n: null, t: new Date(Date.UTC(1998, 6, 17, 14, 8, 55)),
        bytes: new Uint8Array([0, 1, 254, 255]), a: [1, [2]], i8: 5n };
      const back = c.decodeResponse(c.encodeResponse(value));
      const latin1 = c.decodeResponse(new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="iso-8859-1"?><methodResponse><params><param><value>'), 0xe9, ...new TextEncoder().encode('</value></param></params></methodResponse>')]));
      console.log(JSON.stringify({ back, bytes: [...back.bytes], latin1, isBuffer: typeof Buffer }, (k, v) => typeof v === 'bigint' ? String(v) + 'n' : v));`;
    const printed = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 }));
    assert.equal(printed.isBuffer, 'undefined');
    assert.deepEqual(printed.bytes, [0, 1, 254, 255]);
    assert.equal(printed.latin1, '\u00e9');
    const { bytes: _, ...rest } = printed.back;
    assert.deepEqual(rest, { s: 'h\u00e9 & <x>', i: 7, big: '1099511627776n', d: 1.5, b: true, n: null, t: '1998-07-17T14:08:55.000Z', a: [1, [2]], i8: '5n' });
  });
});

/** The settings the value builder gives the fast path, with the default limits. */
function settingsForTest() {
  return {
    expect: 'response', ctx: { i8: 'bigint', oversizeInt: 'i8', dateTime: 'date', naiveTimeZone: 'UTC' },
    maxDepth: 100, maxValues: 1000, maxStringLength: 1000, maxNameLength: 100, maxXmlNameLength: 100, copyStrings: false,
  };
}
