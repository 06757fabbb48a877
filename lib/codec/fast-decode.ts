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
import { SCALAR_READERS, scalarKey, type ScalarContext } from './scalars.js';
import { declarationLength, detach, isSpace, knownName, nameEnd, rawText } from './scanner.js';

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

class FastReader {
  pos = 0;
  private values = 0;
  private depth = 0;
  /** The member names of the last struct read, by place. */
  private readonly names: string[] = [];

  constructor(private readonly doc: string, private readonly s: FastSettings) {}

  private space(): void {
    while (isSpace(this.doc.charCodeAt(this.pos))) this.pos++;
  }

  /** Steps over `tag` when it is next. */
  private at(tag: string): boolean {
    if (!this.doc.startsWith(tag, this.pos)) return false;
    this.pos += tag.length;
    return true;
  }

  private expect(tag: string): void {
    if (!this.at(tag)) throw GIVE_UP;
  }

  /**
   * Steps over `a`, white space and `b`. Written together (`joined`, the compact layout) or with
   * one newline (`lined`, Python's), they take one look instead of three.
   */
  private pair(a: string, b: string, joined: string, lined: string): void {
    if (this.at(this.doc.charCodeAt(this.pos + a.length) === 10 ? lined : joined)) return;
    this.expect(a);
    this.space();
    this.expect(b);
  }

  /** The text up to the next `<`, at most `max` characters before decoding. */
  private text(max: number): string {
    const start = this.pos;
    const end = this.doc.indexOf('<', start);
    if (end < 0 || end - start > max) throw GIVE_UP;
    this.pos = end;
    return start === end ? '' : rawText(this.doc, start, end);
  }

  private copy(text: string): string {
    return this.s.copyStrings ? detach(text) : text;
  }

  /** The content of a `<value>` element, its start tag read; the end tag is the caller's. */
  private value(): XmlRpcValue {
    if (++this.values > this.s.maxValues) throw GIVE_UP;
    const doc = this.doc;
    const start = this.pos;
    this.space();
    let v: XmlRpcValue;
    if (doc.charCodeAt(this.pos) === 60 && doc.charCodeAt(this.pos + 1) !== 47) {
      const lead = this.pos - start;
      v = this.typed();
      const end = this.pos;
      this.space();
      // The builder counts the white space around a type element against maxStringLength.
      if (lead + this.pos - end > this.s.maxStringLength) throw GIVE_UP;
    } else {
      this.pos = start;
      v = this.copy(this.text(this.s.maxStringLength));
    }
    return v;
  }

  /** A type element inside a `<value>`, at its `<`. */
  private typed(): XmlRpcValue {
    const doc = this.doc;
    const from = this.pos + 1;
    let name = knownName(doc, from);
    let end = from;
    if (name === 'struct' || name === 'array') {
      this.pos = end + name.length + 1;
      return name === 'struct' ? this.struct() : this.array();
    }
    if (name === undefined) {
      end = nameEnd(doc, from, this.s.maxXmlNameLength);
      if (end - from > this.s.maxXmlNameLength) throw GIVE_UP;
      name = doc.slice(from, end);
    } else end += name.length;
    const key = scalarKey(name);
    const reader = SCALAR_READERS.get(key);
    if (reader === undefined) throw GIVE_UP;
    let text = '';
    if (doc.charCodeAt(end) === 47 && doc.charCodeAt(end + 1) === 62) this.pos = end + 2; // <nil/>
    else {
      if (doc.charCodeAt(end) !== 62) throw GIVE_UP;
      this.pos = end + 1;
      text = this.text(this.s.maxStringLength);
      const close = this.pos + 2;
      if (doc.charCodeAt(close - 1) !== 47 || doc.charCodeAt(close + name.length) !== 62 || !doc.startsWith(name, close)) throw GIVE_UP;
      this.pos = close + name.length + 1;
    }
    const v = reader(text, this.s.ctx, key);
    return typeof v === 'string' ? this.copy(v) : v;
  }

  private nest(): void {
    if (++this.depth > this.s.maxDepth) throw GIVE_UP;
  }

  private struct(): XmlRpcStruct {
    this.nest();
    const doc = this.doc;
    const out: XmlRpcStruct = {};
    for (let i = 0; ; i++) {
      this.space();
      if (doc.charCodeAt(this.pos + 1) === 47) break;
      this.pair('<member>', '<name>', '<member><name>', '<member>\n<name>');
      // Structs in an array mostly repeat their names: the last struct's name at this place,
      // when it is next, is taken as it is (no slice, no copy, a key the engine knows).
      const start = this.pos;
      let name = this.names[i];
      if (name !== undefined && doc.charCodeAt(start + name.length) === 60 && doc.startsWith(name, start)) this.pos += name.length;
      else {
        name = this.copy(this.text(this.s.maxNameLength));
        // A member named __proto__ needs defineProperty: the general path has it.
        if (name === '__proto__') throw GIVE_UP;
        // Only a name without references or CR reads back as itself.
        if (name.length === this.pos - start) this.names[i] = name;
      }
      this.pair('</name>', '<value>', '</name><value>', '</name>\n<value>');
      out[name] = this.value();
      this.pair('</value>', '</member>', '</value></member>', '</value>\n</member>');
    }
    this.expect('</struct>');
    this.depth--;
    return out;
  }

  private array(): XmlRpcValue[] {
    this.nest();
    const out: XmlRpcValue[] = [];
    this.space();
    this.expect('<data>');
    for (;;) {
      this.space();
      if (this.doc.charCodeAt(this.pos + 1) === 47) break;
      this.expect('<value>');
      out.push(this.value());
      this.expect('</value>');
    }
    this.expect('</data>');
    this.space();
    this.expect('</array>');
    this.depth--;
    return out;
  }

  /** `<param>`s up to `</params>`, the start tag read. */
  private params(): XmlRpcValue[] {
    const out: XmlRpcValue[] = [];
    for (;;) {
      this.space();
      if (this.at('</params>')) return out;
      this.expect('<param>');
      this.space();
      this.expect('<value>');
      out.push(this.value());
      this.pair('</value>', '</param>', '</value></param>', '</value>\n</param>');
    }
  }

  document(start: number): DecodedMessage {
    this.pos = start + declarationLength(this.doc, start);
    this.space();
    const expect = this.s.expect;
    const out: DecodedMessage = {};
    if (expect !== 'response' && this.at('<methodCall>')) {
      this.space();
      this.expect('<methodName>');
      out.methodName = this.text(this.s.maxNameLength);
      if (out.methodName === '') throw GIVE_UP;
      this.expect('</methodName>');
      this.space();
      if (this.at('<params>')) {
        out.params = this.params();
        this.space();
      }
      this.expect('</methodCall>');
    } else if (expect !== 'call' && this.at('<methodResponse>')) {
      this.space();
      if (this.at('<params>')) {
        out.params = this.params();
        if (out.params.length !== 1) throw GIVE_UP;
      } else {
        this.expect('<fault>');
        this.space();
        this.expect('<value>');
        out.fault = this.value();
        this.pair('</value>', '</fault>', '</value></fault>', '</value>\n</fault>');
      }
      this.space();
      this.expect('</methodResponse>');
    } else throw GIVE_UP;
    this.space();
    if (this.pos !== this.doc.length) throw GIVE_UP;
    return out;
  }
}

/**
 * Decodes `doc` (its characters already checked) from `start` (after any BOM) by the fast path;
 * undefined when it gives up, and then the general path decodes it.
 */
export function fastDecode(doc: string, start: number, settings: FastSettings): DecodedMessage | undefined {
  if (settings.maxXmlNameLength < LONGEST_KNOWN_NAME) return undefined;
  try {
    return new FastReader(doc, settings).document(start);
  } catch {
    return undefined;
  }
}
