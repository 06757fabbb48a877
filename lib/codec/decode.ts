/**
 * XML → values: the value builder, fed by a reader (the scanner by default, fast-xml-parser
 * on request). The builder checks the XML-RPC structure (spec digest §2, §4, §5), applies the
 * scalar table and the limits, and never recurses, so nesting depth is bounded by a limit,
 * not by the stack.
 */
import { DecodeError, Fault, OptionError, type DecodeErrorReason } from '../core/errors.js';
import { cut } from '../core/excerpt.js';
import { pathSegment } from '../core/paths.js';
import type { XmlRpcStruct, XmlRpcValue } from '../core/values.js';
import { decodeDocumentBytes } from './charset.js';
import {
  DEFAULT_DECODE_LIMITS, FAST_XML_PARSER_MAX_DEPTH, checkDecodeOptions, depthLimitDetail, type DecodeOptions, type ScalarReader,
} from './options.js';
import { SCALAR_READERS, ScalarError, scalarKey, type BuiltinScalarReader, type ScalarContext } from './scalars.js';
import { messageOf } from '../core/message.js';
// Browser bundles get a fast path that always gives up (package.json `imports`, lib/codec/fast-decode-off.ts).
import { fastDecode } from '#fast-decode';
import { fastDecodeBytes } from '#fast-decode-bytes';
import type { DecodedMessage, FastSettings } from './fast-decode.js';
import { checkCharacters, decodeReferences, detach, isWhitespace, normalizeNewlines, positionOf, scanDocument, xmlError, type XmlSink } from './scanner.js';

/**
 * A decoded methodCall.
 * @group Codec
 */
export interface MethodCall {
  /** The `<methodName>` text; never empty. */
  methodName: string;
  /** The positional parameters, in order; `[]` when the call has no `<params>`. */
  params: XmlRpcValue[];
}

/**
 * Any decoded XML-RPC message.
 * @group Codec
 */
export type XmlRpcMessage =
  | {
      /** A `<methodCall>`. */
      kind: 'call';
      /** The `<methodName>` text; never empty. */
      methodName: string;
      /** The positional parameters, in order; `[]` when the call has no `<params>`. */
      params: XmlRpcValue[];
    }
  | {
      /** A `<methodResponse>` holding a value. */
      kind: 'response';
      /** The response's one value. */
      value: XmlRpcValue;
    }
  | {
      /** A `<methodResponse>` holding a `<fault>`. */
      kind: 'fault';
      /** The fault, returned rather than thrown. */
      fault: Fault;
    };

type Expect = 'call' | 'response' | 'any';

// Element kinds the builder tracks.
const DOC = 0, CALL = 1, RESPONSE = 2, METHOD_NAME = 3, PARAMS = 4, PARAM = 5, FAULT = 6,
  VALUE = 7, SCALAR = 8, ARRAY = 9, DATA = 10, STRUCT = 11, MEMBER = 12, NAME = 13;
const KIND_NAMES = ['document', 'methodCall', 'methodResponse', 'methodName', 'params', 'param', 'fault',
  'value', 'scalar', 'array', 'data', 'struct', 'member', 'name'];

/** One open element. Frames are pooled by depth and reset on reuse (a hot path). */
class Frame {
  kind = DOC;
  tag = '';
  text = '';
  /** VALUE: a type element was seen. MEMBER: a name was seen. Others: a child was seen. */
  flag = false;
  /** The produced value (VALUE, MEMBER, PARAM, FAULT). */
  value: XmlRpcValue | undefined = undefined;
  /** ARRAY/DATA: the array. STRUCT/MEMBER: the struct. */
  container: XmlRpcValue[] | XmlRpcStruct | undefined = undefined;
  /** MEMBER: its name. SCALAR: its key in the scalar table (the tag a built-in reader's messages name). */
  name: string | undefined = undefined;
  reader: BuiltinScalarReader | ScalarReader | undefined = undefined;
  offset = 0;
}

/** Document length (characters) above which decoded strings are copied out of it. */
const COPY_STRINGS_ABOVE = 64 * 1024;

/** Builds values from reader events; one instance per document. */
class ValueBuilder implements XmlSink, FastSettings {
  private readonly frames: Frame[] = [];
  private sp = 0;
  private depth = 0;
  private values = 0;
  readonly ctx: ScalarContext;
  readonly maxDepth: number;
  /** maxDepth as given: more than `maxDepth` when the fast-xml-parser reader's own bound is lower. */
  private readonly requestedDepth: number;
  readonly maxValues: number;
  readonly maxStringLength: number;
  readonly maxNameLength: number;
  readonly maxXmlNameLength: number;
  private readonly userScalars: Record<string, ScalarReader> | undefined;
  /** Offset of the element being handled, for error positions. */
  offset = 0;
  /**
   * Copy strings out of a large document: V8 keeps a whole document alive behind any slice of
   * it, so one kept name would hold megabytes. Small documents are not worth the copies.
   */
  readonly copyStrings: boolean;

  methodName: string | undefined;
  params: XmlRpcValue[] | undefined;
  fault: XmlRpcValue | undefined;

  constructor(readonly expect: Expect, options: DecodeOptions, private readonly doc: string | undefined) {
    this.ctx = {
      i8: options.i8 ?? 'bigint',
      oversizeInt: options.oversizeInt ?? 'i8',
      dateTime: options.dateTime ?? 'date',
      naiveTimeZone: options.naiveTimeZone ?? 'UTC',
    };
    this.requestedDepth = options.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth;
    const capped = options.reader === 'fast-xml-parser' && this.requestedDepth > FAST_XML_PARSER_MAX_DEPTH;
    this.maxDepth = capped ? FAST_XML_PARSER_MAX_DEPTH : this.requestedDepth;
    this.maxValues = options.maxValues ?? DEFAULT_DECODE_LIMITS.maxValues;
    this.maxStringLength = options.maxStringLength ?? DEFAULT_DECODE_LIMITS.maxStringLength;
    this.maxNameLength = options.maxNameLength ?? DEFAULT_DECODE_LIMITS.maxNameLength;
    this.maxXmlNameLength = options.maxXmlNameLength ?? DEFAULT_DECODE_LIMITS.maxXmlNameLength;
    this.userScalars = options.scalars;
    this.copyStrings = doc !== undefined && doc.length > COPY_STRINGS_ABOVE;
    const root = new Frame();
    this.frames.push(root);
  }

  /** The path of the innermost open element, like `params[1][3].id`. */
  path(): string {
    let out = '';
    for (let i = 1; i <= this.sp; i++) {
      const f = this.frames[i]!;
      switch (f.kind) {
        case PARAMS: out += pathSegment('params', out === ''); break;
        case PARAM: out += pathSegment(this.params?.length ?? 0, false); break;
        case FAULT: out += pathSegment('fault', out === ''); break;
        case DATA: out += pathSegment((f.container as XmlRpcValue[]).length, false); break;
        case MEMBER: out += f.name === undefined ? '[?]' : pathSegment(f.name, false); break;
        case METHOD_NAME: out += pathSegment('methodName', out === ''); break;
        default: break;
      }
    }
    return out;
  }

  error(reason: DecodeErrorReason, detail: string): DecodeError {
    const position = this.doc === undefined || this.offset < 0 ? undefined : positionOf(this.doc, this.offset);
    return new DecodeError(reason, detail, this.path(), position);
  }

  private push(kind: number, tag: string): Frame {
    const i = ++this.sp;
    let f = this.frames[i];
    if (f === undefined) {
      f = new Frame();
      this.frames.push(f);
    }
    f.kind = kind;
    f.tag = tag;
    f.text = '';
    f.flag = false;
    f.value = undefined;
    f.container = undefined;
    f.name = undefined;
    f.reader = undefined;
    f.offset = this.offset;
    return f;
  }

  private unexpected(name: string, parent: Frame): DecodeError {
    return this.error('structure', `unexpected <${cut(name)}> inside <${parent.kind === SCALAR ? cut(parent.tag) : KIND_NAMES[parent.kind]}>`);
  }

  private once(parent: Frame, name: string): void {
    if (parent.flag) throw this.error('structure', `<${KIND_NAMES[parent.kind]}> holds only one <${name}>`);
    parent.flag = true;
  }

  private openValue(): void {
    if (++this.values > this.maxValues) throw this.error('limit', `more than ${this.maxValues} values (maxValues)`);
    this.push(VALUE, 'value');
  }

  startElement(name: string, offset: number): void {
    this.offset = offset;
    const parent = this.frames[this.sp]!;
    switch (parent.kind) {
      case DOC:
        if (name === 'methodCall' && this.expect !== 'response') { this.push(CALL, name); return; }
        if (name === 'methodResponse' && this.expect !== 'call') { this.push(RESPONSE, name); return; }
        throw this.error('structure', `the root element is <${cut(name)}>, expected ${
          this.expect === 'call' ? '<methodCall>' : this.expect === 'response' ? '<methodResponse>' : '<methodCall> or <methodResponse>'}`);
      case CALL:
        if (name === 'methodName') {
          if (this.methodName !== undefined) throw this.error('structure', '<methodCall> holds only one <methodName>');
          this.push(METHOD_NAME, name);
          return;
        }
        if (name === 'params') {
          if (this.params !== undefined) throw this.error('structure', '<methodCall> holds only one <params>');
          this.params = [];
          this.push(PARAMS, name);
          return;
        }
        throw this.unexpected(name, parent);
      case RESPONSE:
        if (name === 'params' || name === 'fault') {
          if (this.params !== undefined || parent.flag) {
            throw this.error('structure', '<methodResponse> holds either one <params> or one <fault>, not both or two');
          }
          parent.flag = true;
          if (name === 'params') {
            this.params = [];
            this.push(PARAMS, name);
          } else this.push(FAULT, name);
          return;
        }
        throw this.unexpected(name, parent);
      case PARAMS:
        if (name === 'param') { this.push(PARAM, name); return; }
        throw this.unexpected(name, parent);
      case PARAM:
      case FAULT:
        if (name === 'value') { this.once(parent, 'value'); this.openValue(); return; }
        throw this.unexpected(name, parent);
      case VALUE: {
        if (parent.flag) throw this.error('structure', `a <value> holds one type element; <${cut(name)}> is a second`);
        if (!isWhitespace(parent.text)) throw this.error('structure', `text and a <${cut(name)}> element mixed in one <value>`);
        parent.flag = true;
        if (name === 'array' || name === 'struct') {
          if (++this.depth > this.maxDepth) throw this.error('limit', depthLimitDetail(this.requestedDepth, this.maxDepth < this.requestedDepth));
          this.push(name === 'array' ? ARRAY : STRUCT, name).container = name === 'array' ? [] : {};
          return;
        }
        const key = scalarKey(name);
        const reader = this.userScalars?.[name] ?? SCALAR_READERS.get(key);
        if (reader === undefined) throw this.error('value', `unknown type element <${cut(name)}>`);
        const frame = this.push(SCALAR, name);
        frame.reader = reader;
        frame.name = key;
        return;
      }
      case ARRAY:
        if (name === 'data') {
          this.once(parent, 'data');
          this.push(DATA, name).container = parent.container;
          return;
        }
        throw this.unexpected(name, parent);
      case DATA:
        if (name === 'value') { this.openValue(); return; }
        throw this.unexpected(name, parent);
      case STRUCT:
        if (name === 'member') { this.push(MEMBER, name).container = parent.container; return; }
        throw this.unexpected(name, parent);
      case MEMBER:
        if (name === 'name') {
          if (parent.name !== undefined) throw this.error('structure', '<member> holds only one <name>');
          this.push(NAME, name);
          return;
        }
        if (name === 'value') { this.once(parent, 'value'); this.openValue(); return; }
        throw this.unexpected(name, parent);
      default:
        throw this.error('structure', `<${cut(parent.tag)}> cannot contain elements; found <${cut(name)}>`);
    }
  }

  characters(text: string, offset: number): void {
    const f = this.frames[this.sp]!;
    switch (f.kind) {
      case VALUE:
        if (f.flag && !isWhitespace(text)) {
          this.offset = offset;
          throw this.error('structure', 'text after the type element in a <value>');
        }
        if (f.text.length + text.length > this.maxStringLength) {
          this.offset = offset;
          throw this.error('limit', `a string longer than ${this.maxStringLength} characters (maxStringLength)`);
        }
        f.text = f.text === '' ? text : f.text + text;
        return;
      case SCALAR:
        if (f.text.length + text.length > this.maxStringLength) {
          this.offset = offset;
          throw this.error('limit', `<${f.tag}> text longer than ${this.maxStringLength} characters (maxStringLength)`);
        }
        f.text = f.text === '' ? text : f.text + text;
        return;
      case NAME:
      case METHOD_NAME:
        if (f.text.length + text.length > this.maxNameLength) {
          this.offset = offset;
          throw this.error('limit', `a name longer than ${this.maxNameLength} characters (maxNameLength)`);
        }
        f.text += text;
        return;
      default:
        if (!isWhitespace(text)) {
          this.offset = offset;
          throw this.error('structure', `text is not allowed inside <${KIND_NAMES[f.kind]}>`);
        }
    }
  }

  endElement(_name: string, offset: number): void {
    this.offset = offset;
    const f = this.frames[this.sp]!;
    switch (f.kind) {
      case VALUE:
        this.deliver(f.flag ? f.value! : this.copyStrings ? detach(f.text) : f.text);
        return;
      case SCALAR: {
        let v: XmlRpcValue;
        try {
          v = f.reader!(f.text, this.ctx, f.name!);
        } catch (e) {
          if (e instanceof DecodeError) throw e;
          const detail = e instanceof ScalarError ? e.message : `<${cut(f.tag)}>: ${messageOf(e)}`;
          this.sp--; // the path names the value, not the type element
          throw this.error('value', detail);
        }
        this.sp--;
        this.frames[this.sp]!.value = typeof v === 'string' && this.copyStrings ? detach(v) : v;
        return;
      }
      case ARRAY:
        if (!f.flag) throw this.error('structure', '<array> must hold a <data> element');
        this.depth--;
        this.sp--;
        this.frames[this.sp]!.value = f.container as XmlRpcValue[];
        return;
      case STRUCT:
        this.depth--;
        this.sp--;
        this.frames[this.sp]!.value = f.container as XmlRpcStruct;
        return;
      case MEMBER: {
        if (f.name === undefined) throw this.error('structure', '<member> must hold a <name>');
        if (!f.flag) throw this.error('structure', '<member> must hold a <value>');
        const obj = f.container as XmlRpcStruct;
        // A member named __proto__ is data: defineProperty never runs the prototype setter.
        if (f.name === '__proto__') {
          Object.defineProperty(obj, f.name, { value: f.value, writable: true, enumerable: true, configurable: true });
        } else obj[f.name] = f.value!;
        this.sp--;
        return;
      }
      case NAME:
        this.sp--;
        this.frames[this.sp]!.name = this.copyStrings ? detach(f.text) : f.text;
        return;
      case METHOD_NAME:
        if (f.text === '') throw this.error('structure', '<methodName> is empty');
        this.methodName = f.text;
        this.sp--;
        return;
      case PARAM:
        if (!f.flag) throw this.error('structure', '<param> must hold a <value>');
        this.params!.push(f.value!);
        this.sp--;
        return;
      case FAULT:
        if (!f.flag) throw this.error('structure', '<fault> must hold a <value>');
        this.fault = f.value;
        this.sp--;
        return;
      case CALL:
        if (this.methodName === undefined) throw this.error('structure', '<methodCall> must hold a <methodName>');
        this.sp--;
        return;
      case RESPONSE:
        if (!f.flag) throw this.error('structure', '<methodResponse> must hold <params> or <fault>');
        if (this.params !== undefined && this.params.length !== 1) {
          throw this.error('structure', `a response holds exactly one <param>, found ${this.params.length}`);
        }
        this.sp--;
        return;
      default:
        this.sp--;
    }
  }

  /** Hands a finished value to its parent (param, fault, data or member). */
  private deliver(v: XmlRpcValue): void {
    this.sp--;
    const parent = this.frames[this.sp]!;
    if (parent.kind === DATA) (parent.container as XmlRpcValue[]).push(v);
    else parent.value = v;
  }
}

function toFault(v: XmlRpcValue | undefined): Fault {
  const bad = (detail: string): DecodeError => new DecodeError('structure', detail, 'fault');
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) {
    throw bad('a <fault> value must be a struct with faultCode and faultString');
  }
  const s = v as XmlRpcStruct;
  // npm `xmlrpc` answers a throwing handler with an empty fault struct: tolerated, and said so.
  if (Object.keys(s).length === 0) return new Fault(0, 'the server sent a fault with no faultCode and no faultString');
  const code = s['faultCode'];
  const text = s['faultString'];
  if (!Object.hasOwn(s, 'faultCode') || !Object.hasOwn(s, 'faultString')) {
    throw bad('a fault struct must have faultCode and faultString members');
  }
  // Tolerated from real peers: string codes (kept as sent), extra members such as Apache's faultCause (ignored).
  const faultCode = typeof code === 'number' ? code : typeof code === 'string' ? code : typeof code === 'bigint' ? Number(code) : undefined;
  if (faultCode === undefined) throw bad('faultCode must be an int (or a string, from lax peers)');
  if (typeof text !== 'string') throw bad('faultString must be a string');
  return new Fault(faultCode, text);
}

/** The fast-xml-parser reader, once {@link loadFastXmlParser} has loaded it. */
let fastXmlParserReader: ReturnType<typeof import('./fxp-reader.js').fastXmlParserReader> | undefined;

/**
 * Loads the optional fast-xml-parser reader (`reader: 'fast-xml-parser'`). Call it once and
 * await it before decoding with that reader; the codec loads nothing else until then.
 * @group Codec
 */
export async function loadFastXmlParser(): Promise<void> {
  fastXmlParserReader ??= (await import('./fxp-reader.js')).fastXmlParserReader({
    DecodeError, DEFAULT_DECODE_LIMITS, FAST_XML_PARSER_MAX_DEPTH, depthLimitDetail, decodeReferences, normalizeNewlines, positionOf, scanDocument, xmlError,
  });
}

/**
 * Decodes by the fast path (fast-decode.ts) when it applies, else, or when it gives up, by the
 * general path. User scalars (even an empty table: the tests' way to compare the paths) and the
 * fast-xml-parser reader take the general path only.
 */
function run(xml: string | Uint8Array, options: DecodeOptions | undefined, expect: Expect): DecodedMessage {
  if (typeof xml !== 'string' && !(xml instanceof Uint8Array)) {
    const got = xml === null ? 'null' : Array.isArray(xml) ? 'an array' : typeof xml;
    throw new DecodeError('xml', `expected the document as a string or a Uint8Array, got ${got}`);
  }
  checkDecodeOptions(options);
  const opts = options ?? {};
  const maxBytes = opts.maxDocumentBytes ?? DEFAULT_DECODE_LIMITS.maxDocumentBytes;
  const size = typeof xml === 'string' ? xml.length : xml.byteLength;
  if (size > maxBytes) {
    throw new DecodeError('limit', `the document is ${size} bytes, over the ${maxBytes} allowed (maxDocumentBytes)`);
  }
  const useFxp = opts.reader === 'fast-xml-parser';
  if (useFxp && fastXmlParserReader === undefined) {
    throw new OptionError('decode options.reader', "reader 'fast-xml-parser' is loaded on demand: await loadFastXmlParser() first");
  }
  // Only a string can hold lone surrogates: decoded bytes never do.
  const surrogates = typeof xml === 'string';
  if (!surrogates && !useFxp && opts.scalars === undefined) {
    // Node: UTF-8 bytes read without the document as one string (package.json `imports`).
    const fast = fastDecodeBytes(xml, new ValueBuilder(expect, opts, undefined), opts.defaultEncoding);
    if (fast !== undefined) return fast;
  }
  const doc = surrogates ? xml : decodeDocumentBytes(xml, opts.defaultEncoding);
  const start = doc.charCodeAt(0) === 0xfeff ? 1 : 0;
  checkCharacters(doc, surrogates);
  const builder = new ValueBuilder(expect, opts, doc);
  if (!useFxp && opts.scalars === undefined) {
    const fast = fastDecode(doc, start, builder);
    if (fast !== undefined) return fast;
  }
  try {
    if (useFxp) fastXmlParserReader!(doc.slice(start), builder, opts);
    else scanDocument(doc, builder, start, builder.maxXmlNameLength);
  } catch (e) {
    // Reader errors know the position but not the XML-RPC path: add it.
    if (e instanceof DecodeError && e.path === '' && builder.path() !== '') {
      throw new DecodeError(e.reason, e.detail, builder.path(), e.position, { cause: e.cause, xmlKind: e.xmlKind });
    }
    throw e;
  }
  return builder;
}

/**
 * Decodes a `<methodCall>` document (string, or raw bytes in any declared encoding).
 * @group Codec
 */
export function decodeCall(xml: string | Uint8Array, options?: DecodeOptions): MethodCall {
  const b = run(xml, options, 'call');
  return { methodName: b.methodName!, params: b.params ?? [] };
}

/**
 * Decodes a `<methodResponse>`: returns its value, throws {@link Fault} for a fault response.
 * @example
 * ```ts
 * import { decodeResponse, Fault } from 'xmlrpc-ts';
 *
 * const body = '<?xml version="1.0"?><methodResponse><params><param><value><int>5</int></value></param></params></methodResponse>';
 * console.log(decodeResponse(body)); // 5
 * try {
 *   decodeResponse('<methodResponse><fault><value><struct>' +
 *     '<member><name>faultCode</name><value><int>4</int></value></member>' +
 *     '<member><name>faultString</name><value><string>Too many parameters</string></value></member>' +
 *     '</struct></value></fault></methodResponse>');
 * } catch (error) {
 *   if (error instanceof Fault) console.log(error.faultCode, error.faultString); // 4 Too many parameters
 * }
 * ```
 * @group Codec
 */
export function decodeResponse(xml: string | Uint8Array, options?: DecodeOptions): XmlRpcValue {
  const b = run(xml, options, 'response');
  if (b.params === undefined) throw toFault(b.fault);
  return b.params[0]!;
}

/**
 * Decodes any XML-RPC message, telling calls, responses and faults apart.
 * @group Codec
 */
export function decodeMessage(xml: string | Uint8Array, options?: DecodeOptions): XmlRpcMessage {
  const b = run(xml, options, 'any');
  if (b.methodName !== undefined) return { kind: 'call', methodName: b.methodName, params: b.params ?? [] };
  if (b.params === undefined) return { kind: 'fault', fault: toFault(b.fault) };
  return { kind: 'response', value: b.params[0]! };
}
