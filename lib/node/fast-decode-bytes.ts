/**
 * The fast path over UTF-8 bytes (Node only: package.json `imports` maps `#fast-decode-bytes` here
 * under the `node` condition; every other runtime gets lib/codec/fast-decode-bytes-off.ts, which
 * always declines). The same recursive descent as lib/codec/fast-decode.ts, but it never builds
 * the document as one string: the markup is compared as bytes, and each text is made a string on
 * its own (Node's native Latin-1/UTF-8 slices). Its strings are never slices of a document string,
 * so nothing it returns keeps the input alive, and a document with non-ASCII text no longer costs
 * a two-byte copy of itself.
 *
 * It has no error of its own: on anything unusual (bytes that are not UTF-8, a character XML
 * forbids, a BOM, a declared or default encoding other than UTF-8, a name it does not know, a
 * limit reached, and everything the string fast path gives up on) it gives up, and the caller
 * decodes the document as before (string fast path, then the general path), which says what is
 * wrong and where. spec-tests/codec/fast-decode-bytes.test.js checks it against the general path.
 */
import * as nodeBuffer from 'node:buffer';
import { Buffer } from 'node:buffer';
import type { XmlRpcStruct, XmlRpcValue } from '../core/values.js';
import { SCALAR_READERS, scalarKey, type BuiltinScalarReader } from '../codec/scalars.js';
import { DECLARATION_WINDOW, declarationLength, declaredEncodingOf, decodeReferences, rawText } from '../codec/scanner.js';
import { UTF8_NAMES } from '../codec/charset.js';
import { XMLRPC_NAMES } from '../codec/fast-paths.js';
import type { DecodedMessage, FastSettings } from '../codec/fast-decode.js';

/** Thrown to give up; caught in {@link fastDecodeBytes}, never seen outside. */
const GIVE_UP = {};

// The longest name read without measuring it (dateTime.iso8601), as in the string fast path.
const LONGEST_KNOWN_NAME = 16;
// Texts longer than this are found and checked by native passes instead of the byte loop.
const SHORT_TEXT = 256;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A type element's name as bytes, its end tag, and (for scalars) its reader. */
interface TypeName {
  name: string;
  bytes: Uint8Array;
  close: Uint8Array;
  key: string;
  reader: BuiltinScalarReader | undefined;
}
const TYPE_NAMES: TypeName[][] = [];
for (const name of XMLRPC_NAMES) {
  const key = scalarKey(name);
  (TYPE_NAMES[name.charCodeAt(0)] ??= []).push({ name, bytes: ascii(name), close: ascii(`</${name}>`), key, reader: SCALAR_READERS.get(key) });
}

const T = {
  methodCall: ascii('<methodCall>'),
  methodCallEnd: ascii('</methodCall>'),
  methodName: ascii('<methodName>'),
  methodNameEnd: ascii('</methodName>'),
  methodResponse: ascii('<methodResponse>'),
  methodResponseEnd: ascii('</methodResponse>'),
  params: ascii('<params>'),
  paramsEnd: ascii('</params>'),
  param: ascii('<param>'),
  paramEnd: ascii('</param>'),
  fault: ascii('<fault>'),
  faultEnd: ascii('</fault>'),
  value: ascii('<value>'),
  valueEnd: ascii('</value>'),
  member: ascii('<member>'),
  memberEnd: ascii('</member>'),
  name: ascii('<name>'),
  nameEnd: ascii('</name>'),
  data: ascii('<data>'),
  dataEnd: ascii('</data>'),
  structEnd: ascii('</struct>'),
  arrayEnd: ascii('</array>'),
};
/** Two tags with nothing (`joined`) or one LF (`lined`) between them: one look instead of three. */
interface Pair {
  a: Uint8Array;
  b: Uint8Array;
  joined: Uint8Array;
  lined: Uint8Array;
}
const pairOf = (a: string, b: string): Pair => ({ a: ascii(a), b: ascii(b), joined: ascii(a + b), lined: ascii(`${a}\n${b}`) });
const MEMBER_NAME = pairOf('<member>', '<name>');
const NAME_VALUE = pairOf('</name>', '<value>');
const VALUE_MEMBER = pairOf('</value>', '</member>');
const VALUE_PARAM = pairOf('</value>', '</param>');
const VALUE_FAULT = pairOf('</value>', '</fault>');

/**
 * Node's native slices to text (what `toString('latin1' | 'utf8', start, end)` calls, without
 * its argument handling: a fifth of the cost of a short text). Present in every Node release;
 * where they are not, the byte path declines.
 */
interface Slices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const proto = Buffer.prototype as Buffer & Partial<Slices>;
const EMPTY = Buffer.alloc(0) as Buffer & Slices;
/**
 * The slices behave as this path needs (a runtime that imitates Node's buffers might not): bytes
 * that are not UTF-8 (a surrogate, an overlong form, a truncated sequence, past U+10FFFF) become
 * U+FFFD, and Latin-1 is one character a byte.
 */
const HAS_SLICES = typeof proto.latin1Slice === 'function' && typeof proto.utf8Slice === 'function'
  && [[0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe6, 0x97], [0xf4, 0x90, 0x80, 0x80]].every((bad) => {
    const bytes = Buffer.from(bad) as Buffer & Slices;
    return bytes.utf8Slice(0, bytes.length).indexOf('\ufffd') >= 0;
  })
  && (Buffer.from([0x61, 0xe9]) as Buffer & Slices).latin1Slice(0, 2) === 'a\u00e9';

// The reader's state (one decode at a time, as in fast-decode.ts). Let go when a decode ends.
let b = EMPTY;
let len = 0;
let pos = 0;
let values = 0;
let depth = 0;
let s: FastSettings;
/**
 * What the last struct held at one place when its value was a scalar in a type element, as
 * offsets into the document: the bytes from the name to the content (`id</name><value><int>`)
 * and from the content to `</value>`. Equal bytes mean an equal reading (the bytes were checked
 * when the record was made), so the next struct's member is read in two comparisons.
 */
interface Member {
  name: string;
  headFrom: number;
  headLength: number;
  tailFrom: number;
  tailLength: number;
  type: TypeName;
}
let members: (Member | undefined)[] = [];
let structs = 0;
// Set by typed() for a scalar with content, for the struct that records it.
let lastType: TypeName | undefined;
let contentFrom = 0;
let contentTo = 0;

function space(): void {
  for (let c = b[pos]; c === 32 || c === 10 || c === 9 || c === 13; c = b[++pos]);
}

/** Steps over `tag` when it is next. */
function at(tag: Uint8Array): boolean {
  const d = b;
  const n = tag.length;
  if (pos + n > len) return false;
  for (let i = 0; i < n; i++) if (d[pos + i] !== tag[i]) return false;
  pos += n;
  return true;
}

function expect(tag: Uint8Array): void {
  if (!at(tag)) throw GIVE_UP;
}

/** Steps over `p.a`, white space and `p.b`. */
function pair(p: Pair): void {
  if (at(b[pos + p.a.length] === 10 ? p.lined : p.joined)) return;
  expect(p.a);
  space();
  expect(p.b);
}

/** True when the `length` bytes at `pos` equal those at `from` (earlier in the document). */
function repeats(from: number, length: number): boolean {
  const d = b;
  if (pos + length > len) return false;
  for (let i = 0; i < length; i++) if (d[pos + i] !== d[from + i]) return false;
  return true;
}

// What a byte in a text asks for (bits): CR, rawText's line-end work; WIDE, a UTF-8 decode;
// LEAD_EF, a look for U+FFFE/U+FFFF (EF BF BE/BF), which XML forbids; FORBIDDEN, a control
// character XML forbids; AMP, references to replace; BRACKET, a look for `]]>`.
const CR = 1;
const WIDE = 2;
const LEAD_EF = 4;
const FORBIDDEN = 8;
const AMP = 16;
const BRACKET = 32;
const BYTE_CLASS = Uint8Array.from({ length: 256 }, (_, c) => c === 13 ? CR : c === 38 ? AMP : c === 93 ? BRACKET
  : c < 32 && c !== 9 && c !== 10 ? FORBIDDEN : c === 0xef ? WIDE | LEAD_EF : c > 127 ? WIDE : 0);

/**
 * The text up to the next `<`, at most `max` bytes (never fewer than its characters), decoded:
 * gives up on a character XML forbids, `]]>` or bytes that are not UTF-8.
 */
function text(max: number): string {
  const d = b;
  const start = pos;
  const limit = Math.min(len, start + SHORT_TEXT);
  let p = start;
  let found = 0;
  for (let c = 0; p < limit && (c = d[p]!) !== 60; p++) {
    const k = BYTE_CLASS[c]!;
    if (k !== 0) {
      if (k > WIDE) {
        if (k === FORBIDDEN) throw GIVE_UP;
        if (k === BRACKET ? d[p + 1] === 93 && d[p + 2] === 62 : k !== AMP && d[p + 1] === 0xbf && d[p + 2]! >= 0xbe) throw GIVE_UP;
      }
      found |= k;
    }
  }
  if (p === limit) return longText(start, max); // (or the end of the document: it gives up)
  if (p - start > max) throw GIVE_UP;
  pos = p;
  if (p === start) return '';
  if ((found & (AMP | CR)) === AMP) {
    const t = withReferences(d, start, p, (found & WIDE) !== 0);
    if (t !== undefined) return t;
  }
  const t = slice(d, start, p, (found & WIDE) !== 0);
  return found & (AMP | CR) ? rawText(t, 0, t.length) : t;
}

/** Bytes to text, ASCII (`wide` false) or UTF-8; gives up on bytes that are not UTF-8. */
function slice(from: Buffer & Slices, start: number, end: number, wide: boolean): string {
  if (!wide) return from.latin1Slice(start, end);
  const t = from.utf8Slice(start, end);
  // Bytes that are not UTF-8 decode to U+FFFD (one sent as such gives up too: the general path reads it).
  if (t.indexOf('\ufffd') >= 0) throw GIVE_UP;
  return t;
}

// Where a text's references are replaced (never longer than the text, at most SHORT_TEXT bytes).
const scratch = Buffer.alloc(SHORT_TEXT) as Buffer & Slices;
/**
 * Code points of the references met so far, by their bytes between `&` and `;` (at most 6,
 * packed with their count). The scanner's decodeReferences (the rule's one home) reads each the
 * first time; a reference it refuses throws, which gives up.
 */
const REFERENCES = new Map<number, number>();
const MAX_REFERENCES = 64;

/**
 * The text between `start` and `end` (no CR, no `]]>`) with its references replaced, in one
 * pass into `scratch` and one native slice (no pieces to join); undefined for a reference longer
 * than 6 bytes, which rawText then reads.
 */
function withReferences(d: Buffer & Slices, start: number, end: number, wide: boolean): string | undefined {
  const out = scratch;
  let q = 0;
  for (let p = start; p < end; p++) {
    const c = d[p]!;
    if (c !== 38) {
      out[q++] = c;
      continue;
    }
    let key = 0;
    let k = p + 1;
    for (; k < end && k <= p + 6 && d[k] !== 59; k++) key = key * 256 + d[k]!;
    if (k === end || d[k] !== 59) return undefined;
    key = key * 8 + (k - p - 1);
    let cp = REFERENCES.get(key);
    if (cp === undefined) {
      cp = decodeReferences(d.latin1Slice(p, k + 1), undefined, 0).codePointAt(0)!;
      if (REFERENCES.size < MAX_REFERENCES) REFERENCES.set(key, cp);
    }
    p = k;
    if (cp < 0x80) {
      out[q++] = cp;
      continue;
    }
    wide = true;
    if (cp < 0x800) out[q++] = 0xc0 | (cp >> 6);
    else {
      if (cp < 0x10000) out[q++] = 0xe0 | (cp >> 12);
      else {
        out[q++] = 0xf0 | (cp >> 18);
        out[q++] = 0x80 | ((cp >> 12) & 63);
      }
      out[q++] = 0x80 | ((cp >> 6) & 63);
    }
    out[q++] = 0x80 | (cp & 63);
  }
  return slice(out, 0, q, wide);
}


// Node's SIMD ASCII check (Node 18.15+; looked up, so a runtime without it still loads this module).
const isAscii = (nodeBuffer as { isAscii?: (bytes: Uint8Array) => boolean }).isAscii;
// Characters XML 1.0 forbids, as text from a UTF-8 decode holds them (no surrogates).
const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFD-\uFFFF]/;

/** A long text: native passes (find, decode, check) instead of the byte loop. */
function longText(start: number, max: number): string {
  const end = b.indexOf(60, start);
  if (end < 0 || end - start > max) throw GIVE_UP;
  pos = end;
  // A long ASCII text (base64 above all) is a Latin-1 copy: V8's UTF-8 decode is many times slower.
  const t = isAscii !== undefined && isAscii(b.subarray(start, end)) ? b.latin1Slice(start, end) : b.utf8Slice(start, end);
  // U+FFFD: bytes that are not UTF-8 (or one sent as such: the general path reads it).
  if (ILLEGAL.test(t)) throw GIVE_UP;
  return rawText(t, 0, t.length);
}

/** The content of a `<value>` element, its start tag read; the end tag is the caller's. */
function value(): XmlRpcValue {
  if (++values > s.maxValues) throw GIVE_UP;
  const start = pos;
  space();
  if (b[pos] === 60 && b[pos + 1] !== 47) {
    const lead = pos - start;
    const v = typed();
    const end = pos;
    space();
    // The builder counts the white space around a type element against maxStringLength.
    if (lead + pos - end > s.maxStringLength) throw GIVE_UP;
    return v;
  }
  pos = start;
  lastType = undefined;
  return text(s.maxStringLength);
}

/** The known type name at `from`, followed by `>` or `/`. */
function typeName(from: number): TypeName {
  const candidates = TYPE_NAMES[b[from]!];
  if (candidates !== undefined) {
    outer: for (let k = 0; k < candidates.length; k++) {
      const t = candidates[k]!;
      const n = t.bytes.length;
      const after = b[from + n];
      if (after !== 62 && after !== 47) continue;
      for (let i = 1; i < n; i++) if (b[from + i] !== t.bytes[i]) continue outer;
      return t;
    }
  }
  throw GIVE_UP; // a prefixed or unknown name: the string fast path reads it
}

/** A type element inside a `<value>`, at its `<`. */
function typed(): XmlRpcValue {
  const t = typeName(pos + 1);
  const end = pos + 1 + t.bytes.length;
  lastType = undefined;
  if (t.name === 'struct' || t.name === 'array') {
    if (b[end] !== 62) throw GIVE_UP;
    pos = end + 1;
    const v = t.name === 'struct' ? struct() : array();
    lastType = undefined;
    return v;
  }
  const reader = t.reader;
  if (reader === undefined) throw GIVE_UP;
  let content = '';
  if (b[end] === 47) { // <nil/>
    if (b[end + 1] !== 62) throw GIVE_UP;
    pos = end + 2;
  } else {
    pos = contentFrom = end + 1;
    content = text(s.maxStringLength);
    contentTo = pos;
    expect(t.close);
    lastType = t;
  }
  return reader(content, s.ctx, t.key);
}

function nest(): void {
  if (++depth > s.maxDepth) throw GIVE_UP;
}

function struct(): XmlRpcStruct {
  nest();
  const out: XmlRpcStruct = {};
  for (let i = 0; ; i++) {
    space();
    if (b[pos + 1] === 47) break;
    pair(MEMBER_NAME);
    const start = pos;
    const m = members[i];
    if (m !== undefined && repeats(m.headFrom, m.headLength)) {
      if (++values > s.maxValues) throw GIVE_UP;
      pos += m.headLength;
      const content = text(s.maxStringLength);
      if (!repeats(m.tailFrom, m.tailLength)) throw GIVE_UP;
      pos += m.tailLength;
      out[m.name] = m.type.reader!(content, s.ctx, m.type.key);
    } else {
      const name = text(s.maxNameLength);
      // A member named __proto__ needs defineProperty: the general path has it.
      if (name === '__proto__') throw GIVE_UP;
      pair(NAME_VALUE);
      out[name] = value();
      members[i] = structs > 0 && lastType !== undefined
        ? { name, headFrom: start, headLength: contentFrom - start, tailFrom: contentTo, tailLength: pos - contentTo, type: lastType }
        : undefined;
    }
    pair(VALUE_MEMBER);
  }
  expect(T.structEnd);
  depth--;
  structs++;
  return out;
}

function array(): XmlRpcValue[] {
  nest();
  const out: XmlRpcValue[] = [];
  space();
  expect(T.data);
  for (;;) {
    space();
    if (b[pos + 1] === 47) break;
    expect(T.value);
    out.push(value());
    expect(T.valueEnd);
  }
  expect(T.dataEnd);
  space();
  expect(T.arrayEnd);
  depth--;
  return out;
}

/** `<param>`s up to `</params>`, the start tag read. */
function params(): XmlRpcValue[] {
  const out: XmlRpcValue[] = [];
  for (;;) {
    space();
    if (at(T.paramsEnd)) return out;
    expect(T.param);
    space();
    expect(T.value);
    out.push(value());
    pair(VALUE_PARAM);
  }
}

/** The XML declaration's length; gives up unless the document is UTF-8 by the charset rules. */
function declaration(defaultEncoding: string | undefined): number {
  // The declaration is ASCII; as Latin-1 its characters are its bytes.
  const head = b.latin1Slice(0, Math.min(len, DECLARATION_WINDOW));
  const length = declarationLength(head, 0);
  const declared = length > 0 ? declaredEncodingOf(head) : undefined;
  const encoding = declared ?? defaultEncoding;
  if (encoding !== undefined && !UTF8_NAMES.has(encoding.toLowerCase())) throw GIVE_UP;
  return length;
}

function message(defaultEncoding: string | undefined): DecodedMessage {
  pos = declaration(defaultEncoding);
  space();
  const out: DecodedMessage = {};
  if (s.expect !== 'response' && at(T.methodCall)) {
    space();
    expect(T.methodName);
    out.methodName = text(s.maxNameLength);
    if (out.methodName === '') throw GIVE_UP;
    expect(T.methodNameEnd);
    space();
    if (at(T.params)) {
      out.params = params();
      space();
    }
    expect(T.methodCallEnd);
  } else if (s.expect !== 'call' && at(T.methodResponse)) {
    space();
    if (at(T.params)) {
      out.params = params();
      if (out.params.length !== 1) throw GIVE_UP;
    } else {
      expect(T.fault);
      space();
      expect(T.value);
      out.fault = value();
      pair(VALUE_FAULT);
    }
    space();
    expect(T.methodResponseEnd);
  } else throw GIVE_UP;
  space();
  if (pos !== len) throw GIVE_UP;
  return out;
}

/**
 * Decodes a document's bytes by the byte fast path; undefined when it gives up (the caller then
 * decodes them as before). `defaultEncoding` is the transport's charset, as the charset rules take it.
 */
export function fastDecodeBytes(bytes: Uint8Array, settings: FastSettings, defaultEncoding: string | undefined): DecodedMessage | undefined {
  if (!HAS_SLICES || settings.maxXmlNameLength < LONGEST_KNOWN_NAME) return undefined;
  b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Buffer & Slices;
  len = b.length;
  s = settings;
  values = depth = structs = 0;
  try {
    return message(defaultEncoding);
  } catch {
    return undefined;
  } finally {
    b = EMPTY;
    s = undefined!;
    members = [];
  }
}
