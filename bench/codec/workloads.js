/**
 * The codec bench's workloads, generated deterministically on every run (nothing committed).
 * Each workload has the JS values to encode and the document every decoder reads: the same
 * bytes for every implementation, written by our encoder (compact, no indentation). The `-py`
 * variants hold the same values laid out as CPython's `xmlrpc.client.dumps` writes them: a
 * newline after most tags, base64 in 76-character lines.
 */
import { encodeCall, encodeResponse } from 'xmlrpc-ts';

/** A small deterministic PRNG (LCG), so every run and every machine sees the same data. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function smallCall() {
  const params = [
    4711,
    'Please update the record below and report to the owner.',
    {
      sku: 'WIDGET-0042-BLUE-LARGE',
      quantity: 250,
      unitPrice: 19.95,
      backordered: false,
      updatedAt: new Date(Date.UTC(2024, 4, 17, 9, 30, 15)),
    },
  ];
  return { kind: 'call', methodName: 'inventory.updateStockLevel', params };
}

function structs10k() {
  const next = lcg(10_000);
  const rows = [];
  const base = Date.UTC(2020, 0, 1);
  for (let i = 0; i < 10_000; i++) {
    const r = next();
    const name = `${WORDS[r % 10]} ${WORDS[(r >>> 4) % 10]} customer ${i}, region ${(r >>> 8) % 50}`;
    rows.push({
      id: i + 1,
      name: name + 'x'.repeat(r % 9),
      balance: ((r % 10_000_000) - 2_000_000) / 100 + 0.25,
      active: (r & 1) === 1,
      createdAt: new Date(base + (r % 100_000_000) * 1000),
    });
  }
  return { kind: 'response', value: rows };
}

function base64Blob() {
  const next = lcg(5);
  const bytes = Buffer.alloc(3_750_000);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(next(), i);
  return { kind: 'response', value: bytes };
}

function deepArrays() {
  let v = ['leaf', 500];
  for (let i = 1; i < 500; i++) v = [v];
  return { kind: 'response', value: v };
}

function escapedStrings() {
  const out = [];
  for (let i = 0; i < 50_000; i++) out.push(`Tom & Jerry <${i}> café “naïve” — 東京 ${i % 97} ö > ü`);
  return { kind: 'response', value: out };
}

/** Encodes a workload's values with our encoder: the reference document every decoder reads. */
export function encodeWorkload(w, options) {
  return w.kind === 'call' ? encodeCall(w.methodName, w.params, options) : encodeResponse(w.value, options);
}

const escapePy = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const two = (n) => String(n).padStart(2, '0');

/** One value as `xmlrpc.client.Marshaller` writes it, pushed onto `out`. */
function dumpPy(v, out) {
  if (typeof v === 'number') {
    out.push(Number.isInteger(v) ? `<value><int>${v}</int></value>\n` : `<value><double>${v}</double></value>\n`);
  } else if (typeof v === 'boolean') out.push(`<value><boolean>${v ? 1 : 0}</boolean></value>\n`);
  else if (typeof v === 'string') out.push(`<value><string>${escapePy(v)}</string></value>\n`);
  else if (v instanceof Date) {
    const d = `${v.getUTCFullYear()}${two(v.getUTCMonth() + 1)}${two(v.getUTCDate())}T${two(v.getUTCHours())}:${two(v.getUTCMinutes())}:${two(v.getUTCSeconds())}`;
    out.push(`<value><dateTime.iso8601>${d}</dateTime.iso8601></value>\n`);
  } else if (v instanceof Uint8Array) {
    // base64.encodebytes: lines of 76 characters, each ending in a newline.
    const b64 = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    out.push('<value><base64>\n');
    for (let i = 0; i < b64.length; i += 76) out.push(b64.slice(i, i + 76), '\n');
    out.push('</base64></value>\n');
  } else if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const x of v) dumpPy(x, out);
    out.push('</data></array></value>\n');
  } else {
    out.push('<value><struct>\n');
    for (const [k, x] of Object.entries(v)) {
      out.push(`<member>\n<name>${escapePy(k)}</name>\n`);
      dumpPy(x, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
}

/** A workload's document as `xmlrpc.client.dumps` writes it (same values, Python's layout). */
export function encodePythonLayout(w) {
  const out = ["<?xml version='1.0'?>\n"];
  if (w.kind === 'call') {
    out.push(`<methodCall>\n<methodName>${escapePy(w.methodName)}</methodName>\n<params>\n`);
    for (const p of w.params) {
      out.push('<param>\n');
      dumpPy(p, out);
      out.push('</param>\n');
    }
    out.push('</params>\n</methodCall>\n');
  } else {
    out.push('<methodResponse>\n<params>\n<param>\n');
    dumpPy(w.value, out);
    out.push('</param>\n</params>\n</methodResponse>\n');
  }
  return out.join('');
}

const DEFS = [
  ['small', 'small call (int, string, struct of 5)', smallCall],
  ['structs10k', '10,000 structs (int, string, double, boolean, dateTime)', structs10k],
  ['base64', 'base64 value', base64Blob],
  ['deep500', 'arrays nested 500 deep', deepArrays],
  ['strings50k', '50,000 strings with &<> and non-ASCII', escapedStrings],
];
// Each workload again in CPython's layout (the issue measured these).
for (const [name, label, make] of [...DEFS]) DEFS.push([`${name}-py`, `${label}, Python layout`, make]);

/** The names of the workloads, in report order. */
export const WORKLOAD_NAMES = DEFS.map(([name]) => name);

/** One workload: name, label, the values, and the reference document (string and UTF-8 bytes). */
export function makeWorkload(name) {
  const def = DEFS.find(([n]) => n === name);
  if (def === undefined) throw new Error(`no workload ${name}; known: ${WORKLOAD_NAMES.join(', ')}`);
  const [, label, make] = def;
  const w = make();
  const xml = name.endsWith('-py') ? encodePythonLayout(w) : encodeWorkload(w);
  return { name, label, ...w, xml, bytes: Buffer.from(xml, 'utf8') };
}

/** All workloads, in report order. */
export function makeWorkloads() {
  return WORKLOAD_NAMES.map(makeWorkload);
}
