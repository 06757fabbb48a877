/**
 * The implementations the codec bench measures, each behind the same two shapes:
 * `decode(workload) → value` (bytes in, like a body off the socket) and
 * `encode(workload) → string`. A peer that lacks a shape for a workload leaves it undefined.
 */
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { create as createXml } from 'xmlbuilder2';
import * as foxglove from '@foxglove/xmlrpc';
import { decodeCall, decodeResponse, encodeCall, encodeResponse } from 'xmlrpc-ts';
import { WORKLOAD_NAMES } from './workloads.js';

const require = createRequire(import.meta.url);
const NpmSerializer = require('xmlrpc/lib/serializer.js');
const NpmDeserializer = require('xmlrpc/lib/deserializer.js');

/**
 * npm `xmlrpc` reads from a stream. This stand-in hands it the whole body in one chunk,
 * synchronously (the most favourable case for it: no event-loop turns between chunks).
 */
function oneChunkStream(bytes) {
  let encoding = 'utf8';
  return {
    setEncoding(e) {
      encoding = e;
    },
    on() {
      return this;
    },
    pipe(dest) {
      dest.end(bytes.toString(encoding));
      return dest;
    },
  };
}

function npmDecode(w) {
  let out;
  let failure;
  const d = new NpmDeserializer('utf8');
  const done = (err, a, b) => {
    if (err) failure = err;
    else out = w.kind === 'call' ? [a, b] : a;
  };
  if (w.kind === 'call') d.deserializeMethodCall(oneChunkStream(w.bytes), done);
  else d.deserializeMethodResponse(oneChunkStream(w.bytes), done);
  if (failure !== undefined) throw failure;
  if (out === undefined) throw new Error('npm xmlrpc did not call back synchronously');
  return out;
}

// The options our fast-xml-parser reader uses (lib/codec/fxp-reader.ts): the raw parse it depends on.
const FXP_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 1000 * 3 + 16,
};

/** Reading one character makes V8 flatten a rope (cons string) into one sequential string. */
function flatten(s) {
  s.charCodeAt(s.length >> 1);
  return s;
}

/** The string-concatenation floor: the 10k rows' XML with no escaping, no checks, no type dispatch. */
function floorRows(rows) {
  let s = '<?xml version="1.0"?><methodResponse><params><param><value><array><data>';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const d = r.createdAt;
    const p2 = (n) => (n < 10 ? '0' + n : '' + n);
    s += '<value><struct><member><name>id</name><value><int>' + r.id +
      '</int></value></member><member><name>name</name><value><string>' + r.name +
      '</string></value></member><member><name>balance</name><value><double>' + r.balance +
      '</double></value></member><member><name>active</name><value><boolean>' + (r.active ? '1' : '0') +
      '</boolean></value></member><member><name>createdAt</name><value><dateTime.iso8601>' +
      d.getUTCFullYear() + p2(d.getUTCMonth() + 1) + p2(d.getUTCDate()) + 'T' + p2(d.getUTCHours()) + ':' +
      p2(d.getUTCMinutes()) + ':' + p2(d.getUTCSeconds()) +
      '</dateTime.iso8601></value></member></struct></value>';
  }
  return s + '</data></array></value></param></params></methodResponse>';
}

/** The 10k-struct document built with xmlbuilder2's element API (the rejected writer). */
function xmlbuilder2Rows(rows) {
  const p2 = (n) => (n < 10 ? '0' + n : '' + n);
  const data = createXml({ version: '1.0' }).ele('methodResponse').ele('params').ele('param').ele('value').ele('array').ele('data');
  for (const r of rows) {
    const d = r.createdAt;
    const st = data.ele('value').ele('struct');
    st.ele('member').ele('name').txt('id').up().ele('value').ele('int').txt(String(r.id));
    st.ele('member').ele('name').txt('name').up().ele('value').ele('string').txt(r.name);
    st.ele('member').ele('name').txt('balance').up().ele('value').ele('double').txt(String(r.balance));
    st.ele('member').ele('name').txt('active').up().ele('value').ele('boolean').txt(r.active ? '1' : '0');
    st.ele('member').ele('name').txt('createdAt').up().ele('value').ele('dateTime.iso8601').txt(
      `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`);
  }
  return data.doc().end({ prettyPrint: false });
}

/** The workload's values as JSON text, UTF-8 bytes (dates as ISO strings); made once per workload. */
const jsonBytes = new WeakMap();
function jsonOf(w) {
  let b = jsonBytes.get(w);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(w.kind === 'call' ? { methodName: w.methodName, params: w.params } : w.value), 'utf8');
    jsonBytes.set(w, b);
  }
  return b;
}

/**
 * Every JS implementation. `id` names a column; `role` says why it is here.
 * Decoders take bytes; encoders return a string.
 */
export const JS_IMPLEMENTATIONS = [
  {
    id: 'ours',
    label: 'xmlrpc-ts (scanner)',
    decode: (w) => (w.kind === 'call' ? decodeCall(w.bytes) : decodeResponse(w.bytes)),
    encode: (w) => (w.kind === 'call' ? encodeCall(w.methodName, w.params) : encodeResponse(w.value)),
  },
  {
    id: 'ours-fxp',
    label: "xmlrpc-ts (reader: 'fast-xml-parser')",
    decode: (w) => {
      const o = { reader: 'fast-xml-parser' };
      return w.kind === 'call' ? decodeCall(w.bytes, o) : decodeResponse(w.bytes, o);
    },
  },
  {
    id: 'fxp-raw',
    label: 'fast-xml-parser parse alone (reader alternative)',
    decode: (w) => new XMLParser(FXP_OPTIONS).parse(w.bytes),
  },
  {
    id: 'xmlbuilder2',
    label: 'xmlbuilder2 element API (writer alternative)',
    encode: (w) => (w.name === 'structs10k' ? xmlbuilder2Rows(w.value) : undefined),
    only: ['structs10k'],
  },
  {
    id: 'floor',
    label: 'string-concatenation floor',
    encode: (w) => floorRows(w.value),
    only: ['structs10k'],
  },
  // The same two writers with the result flattened (one flat string, as a socket write needs):
  // string concatenation builds a rope, and this shows what flattening it adds.
  {
    id: 'ours-flat',
    label: 'xmlrpc-ts, flattened',
    encode: (w) => flatten(encodeResponse(w.value)),
    only: ['structs10k'],
  },
  {
    id: 'floor-flat',
    label: 'string floor, flattened',
    encode: (w) => flatten(floorRows(w.value)),
    only: ['structs10k'],
  },
  // The reference rows: V8's own JSON on the same values, bytes in (as a decoder gets them) and a
  // string out. Not on base64 (JSON has no bytes type).
  {
    id: 'json',
    label: 'JSON.parse / JSON.stringify of the same values',
    decode: (w) => JSON.parse(jsonOf(w).toString('utf8')),
    encode: (w) => JSON.stringify(w.kind === 'call' ? { methodName: w.methodName, params: w.params } : w.value),
    only: WORKLOAD_NAMES.filter((n) => !n.startsWith('base64')),
  },
  {
    id: 'npm-xmlrpc',
    label: 'npm xmlrpc',
    decode: npmDecode,
    encode: (w) => (w.kind === 'call' ? NpmSerializer.serializeMethodCall(w.methodName, w.params) : NpmSerializer.serializeMethodResponse(w.value)),
  },
  {
    id: 'foxglove',
    label: '@foxglove/xmlrpc',
    decode: (w) => {
      const d = new foxglove.Deserializer();
      return w.kind === 'call' ? d.deserializeMethodCall(w.bytes) : d.deserializeMethodResponse(w.bytes);
    },
    encode: (w) => (w.kind === 'call' ? foxglove.serializeMethodCall(w.methodName, w.params) : foxglove.serializeMethodResponse(w.value)),
  },
];
