// Browser bundles decode without the speed-only paths (package.json maps #fast-decode and
// #fast-paths to stubs that always decline under the `browser` condition, and #fast-decode-bytes
// everywhere but under the `node` condition). Those paths must change
// no value and no error: a child Node loading the codec with `--conditions=browser` decodes every
// fixture and the documents below, and its values, error messages, paths and positions must equal
// what this process (the real fast paths) makes of them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { decodeMessage } from 'xmlrpc-ts/codec';
import { fixtureNames, loadManifest, readFixture } from './support.js';

const CODEC_URL = new URL('../../dist/codec/index.js', import.meta.url).href;
const ROOT = new URL('../../', import.meta.url);

const response = (inner) => `<?xml version="1.0"?>\n<methodResponse><params><param><value>${inner}</value></param></params></methodResponse>`;
const base64Lines = (n, width) => {
  const text = btoa(String.fromCharCode(...Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256)));
  return text.replace(new RegExp(`.{1,${width}}`, 'g'), '$&\n');
};

/** Documents aimed at each shortcut: the spec dateTime form, MIME-lined base64, XML-RPC's own tag names. */
const DOCUMENTS = [
  ...['19980717T14:08:55', '20240229T23:59:59', '20230229T00:00:00', '20240131T24:00:00', '00991231T00:00:00', '19980717T14:08:5x',
    '19980717T14:08:60', '1998-07-17T14:08:55', '19980717T14:08:55Z', '19981317T00:00:00', '19980700T00:00:00', '+9980717T14:08:55']
    .map((t) => response(`<dateTime.iso8601>${t}</dateTime.iso8601>`)),
  ...[[900, 76], [3000, 76], [3000, 64], [3000, 75]].map(([n, w]) => response(`<base64>${base64Lines(n, w)}</base64>`)),
  response(`<base64>${base64Lines(3000, 76).replace('A', '-')}</base64>`),
  response(`<base64>${base64Lines(3000, 76).replace('\n', ' \n')}</base64>`),
  response(`<base64>${base64Lines(3000, 76).replace('\n', '\r\n')}</base64>`),
  response(`<base64>${base64Lines(3000, 76).slice(0, -2)}</base64>`),
  ...[(t) => t, (t) => t.replace('A', '*'), (t) => t.replace('A', '='), (t) => t.replace('A', ' A'), (t) => t.replace('A', '\u0141'),
    (t) => t.replace('A', '_'), (t) => t.slice(0, -1), (t) => `${t}==`, (t) => `  ${t}\n`].map((edit) => response(`<base64>${edit(base64Lines(3000, 100_000).trim())}</base64>`)),
  response('<struct><member><name>a</name><value><i4>1</i4></value></member><member><name>b</name><value><nil/></value></member></struct>'),
  response('<array><data><value><valuex>1</valuex></value></data></array>'),
  response('<array><data><value><int >1</int ></value><value><string\n>x</string></value></data></array>'),
  response('<arrays><data/></arrays>'),
  '<methodCall><methodName>m</methodName><params><param><value><struct><member><name>x</name><value>1</value></member></struct></value></param></params></methodCall>',
  '<methodCall><methodNamex>m</methodNamex></methodCall>',
];

/** What decodeMessage makes of each input, as JSON: the value with its types, or the error's every field. */
function outcomes(decodeMessage, inputs) {
  const tag = (v) => {
    if (typeof v === 'bigint') return { i8: String(v) };
    if (v instanceof Date) return { date: Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString() };
    if (v instanceof Uint8Array) return { bytes: Array.from(v).join() };
    if (Array.isArray(v)) return v.map(tag);
    if (typeof v === 'number' && !Number.isFinite(v)) return { double: String(v) };
    if (v !== null && typeof v === 'object') {
      const out = { class: v.constructor?.name ?? 'none' };
      for (const k of Object.keys(v)) out[`.${k}`] = tag(v[k]);
      if ('type' in v && 'value' in v) Object.assign(out, { type: v.type, value: tag(v.value) });
      return out;
    }
    return v;
  };
  return inputs.map(({ bytes, options }) => {
    try {
      const m = decodeMessage(Uint8Array.from(bytes), options);
      return { kind: m.kind, methodName: m.methodName, value: tag(m.kind === 'call' ? m.params : m.kind === 'fault' ? { code: m.fault.faultCode, string: m.fault.faultString } : m.value) };
    } catch (e) {
      return { error: e.name, message: e.message, reason: e.reason, path: e.path, position: e.position, xmlKind: e.xmlKind };
    }
  });
}

describe('browser bundles decode alike without the speed-only paths', () => {
  const manifest = loadManifest();
  const inputs = [
    ...fixtureNames().map((name) => ({ name, bytes: [...readFixture(name)], options: { ...manifest[name]?.options, reader: 'scanner' } })),
    ...DOCUMENTS.map((doc, i) => ({ name: `document ${i}`, bytes: [...new TextEncoder().encode(doc)], options: {} })),
    ...DOCUMENTS.slice(0, 12).map((doc, i) => ({ name: `document ${i}, lossless`, bytes: [...new TextEncoder().encode(doc)], options: { dateTime: 'lossless' } })),
  ];
  const here = JSON.parse(JSON.stringify(outcomes(decodeMessage, inputs)));
  const script = `const { decodeMessage } = await import(${JSON.stringify(CODEC_URL)});
    const { specFormUtc } = await import('#fast-paths');
    const { fastDecode } = await import('#fast-decode');
    const { fastDecodeBytes } = await import('#fast-decode-bytes');
    const inputs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const outcomes = ${outcomes.toString()};
    console.log(JSON.stringify({ stubs: specFormUtc('19980717T14:08:55') === null && fastDecode('<methodResponse/>', 0, {}) === undefined && fastDecodeBytes(new Uint8Array(1), {}, undefined) === undefined, outcomes: outcomes(decodeMessage, inputs) }));`;
  const child = JSON.parse(execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e',
    `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(CODEC_URL)}); ${script}`],
  { encoding: 'utf8', timeout: 60_000, cwd: ROOT, input: JSON.stringify(inputs), maxBuffer: 64 * 1024 * 1024 }));

  it('the child runs the stubs', () => {
    assert.equal(child.stubs, true);
  });
  it('covers errors and values alike', () => {
    assert.ok(here.filter((o) => o.error !== undefined).length >= 20);
    assert.ok(here.filter((o) => o.error === undefined).length >= 20);
  });
  for (const [i, { name }] of inputs.entries()) {
    it(name, () => {
      assert.deepEqual(child.outcomes[i], here[i]);
    });
  }
});
