/**
 * The fast path of the default reader: recursive descent over the common, well-formed shape of
 * an XML-RPC document, straight into values in one pass (as JSON.parse reads JSON). It has no
 * error of its own: on anything it does not handle simply (a comment, CDATA, a PI, an attribute,
 * an unexpected tag, a limit reached, a scalar reader that throws...) it gives up, and the caller
 * decodes the document again with the general path (scanner + value builder), which says what
 * is wrong and where. So every error, and every value, stays the general path's by construction;
 * spec-tests/codec/fast-decode.test.js checks both paths against each other.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../core/values.js';
import { SCALAR_READERS, scalarKey, type BuiltinScalarReader, type ScalarContext } from './scalars.js';
import { declarationLength, detach, isSpace, nameEnd, plainText, rawText } from './scanner.js';
import { knownName } from './fast-paths.js';

/** What the fast path needs of the decode settings (the value builder holds them all). */
export interface FastSettings {
  readonly expect: 'call' | 'response' | 'any';
  readonly ctx: ScalarContext;
  readonly maxDepth: number;
  readonly maxValues: number;
  readonly maxStringLength: number;
  readonly maxNameLength: number;
  readonly maxXmlNameLength: number;
  /** Copy strings out of the document (a large one: see the value builder). */
  readonly copyStrings: boolean;
}

/** A decoded message: a call has a methodName, a response params (one) or a fault value. */
export interface DecodedMessage {
  methodName?: string | undefined;
  params?: XmlRpcValue[] | undefined;
  fault?: XmlRpcValue | undefined;
}

/** Thrown to give up; caught in {@link fastDecode}, never seen outside. */
const GIVE_UP = {};

// The longest name the fast path reads without measuring it (dateTime.iso8601).
const LONGEST_KNOWN_NAME = 16;

// The reader's state: module variables (one decode at a time; no reader calls back into the
// decoder), so the minifier shortens every name. Let go when a decode ends: `doc`, `s` (the
// value builder, which holds the document too) and `members` (slices of it).
let doc = '';
let pos = 0;
let values = 0;
let depth = 0;
let s: FastSettings;
/**
 * What the last struct held at one place when its value was a scalar in a type element: the
 * name, the text from the name to that element's content (`id</name><value><int>`) and from the
 * content to `</value>` (`</int>`), and the reader. Structs in an array mostly repeat these: the
 * next struct's member is then read in two looks (no name slice or copy, a key the engine knows,
 * no tag lookup). The text is compared as written, so an equal text means an equal reading.
 */
interface Member {
  name: string;
  head: string;
  tail: string;
  key: string;
  reader: BuiltinScalarReader;
}
let members: (Member | undefined)[] = [];
/** Structs read so far: records are made from the second on (a lone struct would only pay for them). */
let structs = 0;
// Set by typed() for a scalar with content, for the struct that caches it.
let lastReader: BuiltinScalarReader | undefined;
let lastKey = '';
let contentFrom = 0;
let contentTo = 0;
/** The document needs no text decoding at all (plainText). */
let plain = false;

function space(): void {
  while (isSpace(doc.charCodeAt(pos))) pos++;
}

/** Steps over `tag` when it is next. */
function at(tag: string): boolean {
  if (!doc.startsWith(tag, pos)) return false;
  pos += tag.length;
  return true;
}

function expect(tag: string): void {
  if (!at(tag)) throw GIVE_UP;
}

/**
 * Steps over `a`, white space and `b`. Written together (`joined`, the compact layout) or with
 * one newline (`lined`, Python's), they take one look instead of three.
 */
function pair(a: string, b: string, joined: string, lined: string): void {
  if (at(doc.charCodeAt(pos + a.length) === 10 ? lined : joined)) return;
  expect(a);
  space();
  expect(b);
}

/** The text up to the next `<`, at most `max` characters before decoding. */
function text(max: number): string {
  const start = pos;
  const end = doc.indexOf('<', start);
  if (end < 0 || end - start > max) throw GIVE_UP;
  pos = end;
  return start === end ? '' : plain ? doc.slice(start, end) : rawText(doc, start, end);
}

function copy(text: string): string {
  return s.copyStrings ? detach(text) : text;
}

/** The content of a `<value>` element, its start tag read; the end tag is the caller's. */
function value(): XmlRpcValue {
  if (++values > s.maxValues) throw GIVE_UP;
  const start = pos;
  space();
  if (doc.charCodeAt(pos) === 60 && doc.charCodeAt(pos + 1) !== 47) {
    const lead = pos - start;
    const v = typed();
    const end = pos;
    space();
    // The builder counts the white space around a type element against maxStringLength.
    if (lead + pos - end > s.maxStringLength) throw GIVE_UP;
    return v;
  }
  pos = start;
  lastReader = undefined;
  return copy(text(s.maxStringLength));
}

/** A type element inside a `<value>`, at its `<`. */
function typed(): XmlRpcValue {
  const from = pos + 1;
  let name = knownName(doc, from);
  let end = from;
  if (name === 'struct' || name === 'array') {
    pos = end + name.length + 1;
    const v = name === 'struct' ? struct() : array();
    lastReader = undefined;
    return v;
  }
  if (name === undefined) {
    end = nameEnd(doc, from, s.maxXmlNameLength);
    if (end - from > s.maxXmlNameLength) throw GIVE_UP;
    name = doc.slice(from, end);
  } else end += name.length;
  const key = scalarKey(name);
  const reader = SCALAR_READERS.get(key);
  if (reader === undefined) throw GIVE_UP;
  let content = '';
  lastReader = undefined;
  if (doc.charCodeAt(end) === 47 && doc.charCodeAt(end + 1) === 62) pos = end + 2; // <nil/>
  else {
    if (doc.charCodeAt(end) !== 62) throw GIVE_UP;
    pos = contentFrom = end + 1;
    content = text(s.maxStringLength);
    const close = (contentTo = pos) + 2;
    if (doc.charCodeAt(close - 1) !== 47 || doc.charCodeAt(close + name.length) !== 62 || !doc.startsWith(name, close)) throw GIVE_UP;
    pos = close + name.length + 1;
    lastReader = reader;
    lastKey = key;
  }
  return read(reader, content, key);
}

function read(reader: BuiltinScalarReader, content: string, key: string): XmlRpcValue {
  const v = reader(content, s.ctx, key);
  return typeof v === 'string' ? copy(v) : v;
}

function nest(): void {
  if (++depth > s.maxDepth) throw GIVE_UP;
}

function struct(): XmlRpcStruct {
  nest();
  const out: XmlRpcStruct = {};
  for (let i = 0; ; i++) {
    space();
    if (doc.charCodeAt(pos + 1) === 47) break;
    pair('<member>', '<name>', '<member><name>', '<member>\n<name>');
    const start = pos;
    const m = members[i];
    if (m !== undefined && doc.startsWith(m.head, start)) {
      if (++values > s.maxValues) throw GIVE_UP;
      pos += m.head.length;
      const content = text(s.maxStringLength);
      if (!doc.startsWith(m.tail, pos)) throw GIVE_UP;
      pos += m.tail.length;
      out[m.name] = read(m.reader, content, m.key);
    } else {
      const name = copy(text(s.maxNameLength));
      // A member named __proto__ needs defineProperty: the general path has it.
      if (name === '__proto__') throw GIVE_UP;
      pair('</name>', '<value>', '</name><value>', '</name>\n<value>');
      out[name] = value();
      members[i] = structs > 0 && lastReader !== undefined
        ? { name, head: doc.slice(start, contentFrom), tail: doc.slice(contentTo, pos), key: lastKey, reader: lastReader }
        : undefined;
    }
    pair('</value>', '</member>', '</value></member>', '</value>\n</member>');
  }
  expect('</struct>');
  depth--;
  structs++;
  return out;
}

function array(): XmlRpcValue[] {
  nest();
  const out: XmlRpcValue[] = [];
  space();
  expect('<data>');
  for (;;) {
    space();
    if (doc.charCodeAt(pos + 1) === 47) break;
    expect('<value>');
    out.push(value());
    expect('</value>');
  }
  expect('</data>');
  space();
  expect('</array>');
  depth--;
  return out;
}

/** `<param>`s up to `</params>`, the start tag read. */
function params(): XmlRpcValue[] {
  const out: XmlRpcValue[] = [];
  for (;;) {
    space();
    if (at('</params>')) return out;
    expect('<param>');
    space();
    expect('<value>');
    out.push(value());
    pair('</value>', '</param>', '</value></param>', '</value>\n</param>');
  }
}

function message(start: number): DecodedMessage {
  pos = start + declarationLength(doc, start);
  space();
  const out: DecodedMessage = {};
  if (s.expect !== 'response' && at('<methodCall>')) {
    space();
    expect('<methodName>');
    out.methodName = text(s.maxNameLength);
    if (out.methodName === '') throw GIVE_UP;
    expect('</methodName>');
    space();
    if (at('<params>')) {
      out.params = params();
      space();
    }
    expect('</methodCall>');
  } else if (s.expect !== 'call' && at('<methodResponse>')) {
    space();
    if (at('<params>')) {
      out.params = params();
      if (out.params.length !== 1) throw GIVE_UP;
    } else {
      expect('<fault>');
      space();
      expect('<value>');
      out.fault = value();
      pair('</value>', '</fault>', '</value></fault>', '</value>\n</fault>');
    }
    space();
    expect('</methodResponse>');
  } else throw GIVE_UP;
  space();
  if (pos !== doc.length) throw GIVE_UP;
  return out;
}

/**
 * Decodes `text` (its characters already checked) from `start` (after any BOM) by the fast path;
 * undefined when it gives up, and then the general path decodes it.
 */
export function fastDecode(text: string, start: number, settings: FastSettings): DecodedMessage | undefined {
  if (settings.maxXmlNameLength < LONGEST_KNOWN_NAME) return undefined;
  doc = text;
  s = settings;
  values = depth = structs = 0;
  plain = plainText(text);
  try {
    return message(start);
  } catch {
    return undefined;
  } finally {
    doc = '';
    s = undefined!;
    members = [];
  }
}
