/**
 * XML-RPC values as JSON, both ways. Plain JSON maps directly (an integer is `<int>`, or `<i8>`
 * beyond 32 bits; a number with a fraction or exponent is `<double>`, so `2.0` stays a double);
 * the types JSON lacks use a one-member tagged object:
 *
 *   {"$i8": "9007199254740993"}  {"$double": "nan"}  {"$base64": "aGk="}
 *   {"$dateTime": "19980717T14:08:55"}  {"$bigdecimal": "1.10"}  {"$struct": {"$i8": "not a tag"}}
 *
 * The reader is our own so number lexemes survive (JSON.parse turns 2.0 into 2 and rounds big
 * integers) and syntax errors give a line and column.
 */
import { isPlainObject, TypedValue, XmlRpcDateTime, type XmlRpcValue } from '../core/values.js';
import { UsageError } from './flags.js';
import { MAX_INDENT_LEVELS, printStreamed, type Output, type TextSink } from './output.js';
import { LexicalError, readBase64, readBigDecimal, readDateTime, readDouble, readI8 } from './lexical.js';

/** A JSON number as written. */
class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object, members in order. */
class JsonObject {
  constructor(readonly members: ReadonlyArray<readonly [string, JsonNode]>) {}
}

/** A parsed JSON document. */
export type JsonNode = null | boolean | string | JsonNumber | JsonObject | JsonNode[];

/** Deepest nesting the reader accepts. */
const MAX_DEPTH = 1000;

/** JSON input that is not valid JSON, or not a valid XML-RPC value: a usage error (exit 2). */
export class JsonInputError extends UsageError {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'JsonInputError';
  }
}

/** Parses JSON text; `source` names it in errors (`--json argument`, `stdin`, a file name). */
export function parseJson(text: string, source: string): JsonNode {
  return new JsonReader(text, source).document();
}

class JsonReader {
  private pos = 0;

  constructor(private readonly text: string, private readonly source: string) {}

  document(): JsonNode {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const value = this.value(0);
    this.space();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(message: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonInputError(this.source, `invalid JSON: ${message} at line ${line}, column ${at - lineStart + 1}`);
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos] as string)) this.pos++;
  }

  private found(): string {
    return this.pos >= this.text.length ? 'the end of the input' : JSON.stringify(this.text[this.pos]);
  }

  private value(depth: number): JsonNode {
    this.space();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) this.fail(`arrays and objects nested deeper than ${MAX_DEPTH}`);
      return c === '{' ? this.object(depth) : this.array(depth);
    }
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(`expected a value, found ${this.found()}`);
  }

  private object(depth: number): JsonObject {
    this.pos++;
    const members: Array<readonly [string, JsonNode]> = [];
    const seen = new Set<string>();
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return new JsonObject(members);
    }
    for (;;) {
      this.space();
      const at = this.pos;
      if (this.text[this.pos] !== '"') this.fail(`expected a member name in double quotes, found ${this.found()}`);
      const name = this.string();
      if (seen.has(name)) this.fail(`duplicate member name ${JSON.stringify(name)}`, at);
      seen.add(name);
      this.space();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after the member name, found ${this.found()}`);
      this.pos++;
      members.push([name, this.value(depth + 1)]);
      this.space();
      const c = this.text[this.pos++];
      if (c === '}') return new JsonObject(members);
      if (c !== ',') this.fail(`expected ',' or '}' in the object, found ${c === undefined ? 'the end of the input' : JSON.stringify(c)}`, this.pos - 1);
    }
  }

  private array(depth: number): JsonNode[] {
    this.pos++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.pos++];
      if (c === ']') return items;
      if (c !== ',') this.fail(`expected ',' or ']' in the array, found ${c === undefined ? 'the end of the input' : JSON.stringify(c)}`, this.pos - 1);
    }
  }

  private string(): string {
    const start = this.pos;
    // The JSON string grammar; JSON.parse then decodes the escapes of this slice exactly.
    const re = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/y;
    re.lastIndex = start;
    if (!re.test(this.text)) {
      let i = start + 1;
      for (; i < this.text.length; i++) {
        const c = this.text.charCodeAt(i);
        if (c === 34) break;
        if (c < 32) this.fail('a control character must be escaped in a string', i);
        if (c === 92) {
          if (!/^(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})/.test(this.text.slice(i + 1, i + 6))) this.fail('invalid escape in a string', i);
          i++;
        }
      }
      this.fail('unterminated string', start);
    }
    this.pos = re.lastIndex;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): JsonNumber {
    const re = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) this.fail('invalid number');
    this.pos = re.lastIndex;
    return new JsonNumber(m[0]);
  }
}

/** Tag name → reader of the tagged JSON form. */
const TAGS: ReadonlyMap<string, (value: JsonNode, path: string, source: string) => XmlRpcValue> = new Map([
  ['$i8', (v, path, source) => readI8(scalarText(v, path, source, '$i8'))],
  ['$double', (v, path, source) => readDouble(scalarText(v, path, source, '$double'))],
  ['$base64', (v, path, source) => readBase64(stringOf(v, path, source, '$base64'))],
  ['$dateTime', (v, path, source) => readDateTime(stringOf(v, path, source, '$dateTime'))],
  ['$bigdecimal', (v, path, source) => readBigDecimal(scalarText(v, path, source, '$bigdecimal'))],
  ['$struct', (v, path, source) => {
    if (!(v instanceof JsonObject)) throw new JsonInputError(source, `at ${path}: "$struct" needs an object`);
    return structOf(v, path, source);
  }],
]);

function stringOf(v: JsonNode, path: string, source: string, tag: string): string {
  if (typeof v !== 'string') throw new JsonInputError(source, `at ${path}: "${tag}" needs a string`);
  return v;
}

function scalarText(v: JsonNode, path: string, source: string, tag: string): string {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v !== 'string') throw new JsonInputError(source, `at ${path}: "${tag}" needs a number or a string`);
  return v;
}

/** Converts parsed JSON to the value to encode; `path` names it in errors (e.g. `params[1]`). */
export function jsonToValue(node: JsonNode, path: string, source: string): XmlRpcValue {
  if (node === null || typeof node === 'boolean' || typeof node === 'string') return node;
  if (node instanceof JsonNumber) {
    try {
      if (/[.eE]/.test(node.text)) return readDouble(node.text);
      const n = readI8(node.text);
      return n >= -2147483648n && n <= 2147483647n ? Number(n) : n;
    } catch (error) {
      throw new JsonInputError(source, `at ${path}: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(node)) return node.map((item, i) => jsonToValue(item, `${path}[${i}]`, source));
  if (node.members.length === 1) {
    const [name, value] = node.members[0] as readonly [string, JsonNode];
    const tag = TAGS.get(name);
    if (tag !== undefined) {
      try {
        return tag(value, path, source);
      } catch (error) {
        if (error instanceof LexicalError) throw new JsonInputError(source, `at ${path}: ${error.message}`);
        throw error;
      }
    }
    const near = [...TAGS.keys()].find((t) => t.toLowerCase() === name.toLowerCase());
    if (near !== undefined) {
      throw new JsonInputError(source, `at ${path}: unknown tag ${JSON.stringify(name)} (did you mean "${near}"? Wrap a struct with this member in {"$struct": …})`);
    }
  }
  return structOf(node, path, source);
}

function structOf(node: JsonObject, path: string, source: string): Record<string, XmlRpcValue> {
  const out = Object.create(null) as Record<string, XmlRpcValue>;
  for (const [name, value] of node.members) {
    const at = /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
    Object.defineProperty(out, name, { value: jsonToValue(value, at, source), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Reads JSON text that must be an array of parameters. */
export function jsonParams(text: string, source: string): XmlRpcValue[] {
  const node = parseJson(text, source);
  if (!Array.isArray(node)) {
    const found = node === null ? 'null' : typeof node === 'string' ? 'a string' : node instanceof JsonObject ? 'an object' : node instanceof JsonNumber ? 'a number' : 'a boolean';
    throw new JsonInputError(source, `expected a JSON array of all the parameters, got ${found}${found === 'an object' ? ' (write [{...}] to send it as one struct)' : ''}`);
  }
  return node.map((item, i) => jsonToValue(item, `params[${i}]`, source));
}

/** A struct member of parsed JSON by name (for the message shapes of multicall and encode). */
export function member(node: JsonNode, name: string): JsonNode | undefined {
  if (!(node instanceof JsonObject)) return undefined;
  return node.members.find(([n]) => n === name)?.[1];
}

/** True for a parsed JSON object. */
export function isJsonObject(node: JsonNode): boolean {
  return node instanceof JsonObject;
}

/** The member names of a parsed JSON object. */
export function memberNames(node: JsonNode): string[] {
  return node instanceof JsonObject ? node.members.map(([n]) => n) : [];
}

/** The JSON text of a parsed number or string, for codes and names. */
export function scalarOf(node: JsonNode | undefined): string | number | undefined {
  if (typeof node === 'string') return node;
  if (node instanceof JsonNumber && /^-?[0-9]+$/.test(node.text)) return Number(node.text);
  return undefined;
}

// ---- values → JSON text ----

function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '-0.0';
  return String(n);
}

/** A finite double with a fraction or exponent, so it reads back as a double (`2.0`). */
function formatDouble(n: number): string {
  const text = formatNumber(n);
  return /[.eE]/.test(text) ? text : text + '.0';
}

function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
}

/** The JSON form of a value: plain JSON where it is lossless, tagged objects elsewhere. */
function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return { $i8: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $double: nonFinite(value) };
  if (value instanceof Date) return { $dateTime: XmlRpcDateTime.fromDate(value).toString() };
  if (value instanceof XmlRpcDateTime) return { $dateTime: value.toString() };
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof TypedValue) return typedToJson(value);
  return value;
}

function typedToJson(t: TypedValue): unknown {
  switch (t.type) {
    case 'i8': return { $i8: String(t.value) };
    case 'bigdecimal': return { $bigdecimal: String(t.value) };
    case 'nil': return null;
    case 'double': return typeof t.value === 'number' && !Number.isFinite(t.value) ? { $double: nonFinite(t.value) } : t.value;
    default: return toJsonValue(t.value);
  }
}

/** True when a struct would read back as a tag, so it must be written as {"$struct": …}. */
function looksTagged(keys: string[]): boolean {
  return keys.length === 1 && (keys[0] as string).startsWith('$') && [...TAGS.keys()].some((t) => t.toLowerCase() === (keys[0] as string).toLowerCase());
}

/** Most items an array of scalars can have and still fit on one line of 72 (`1, ` each). */
const MAX_INLINE_ITEMS = 24;

/**
 * Writes a value as JSON text to `sink`, indented by `indent` spaces (0: one line). Tags and short
 * arrays of scalars stay on one line, and so does anything nested past {@link MAX_INDENT_LEVELS}.
 */
export function writeJson(sink: TextSink, value: unknown, indent = 2): void {
  write(value, 0, indent);

  function newline(level: number, step: number): string {
    return step === 0 ? '' : '\n' + ' '.repeat(step * level);
  }

  function write(v: unknown, level: number, given: number): void {
    const step = level >= MAX_INDENT_LEVELS ? 0 : given;
    if (v instanceof TypedValue && v.type === 'double' && typeof v.value === 'number' && Number.isFinite(v.value)) {
      return sink.put(formatDouble(v.value));
    }
    const j = toJsonValue(v);
    if (j === null || j === undefined) sink.put('null');
    else if (typeof j === 'number') sink.put(formatNumber(j));
    else if (typeof j === 'string') sink.put(JSON.stringify(j));
    else if (typeof j === 'boolean') sink.put(String(j));
    else if (Array.isArray(j)) {
      if (j.length === 0) return sink.put('[]');
      const inline = step > 0 && j.length <= MAX_INLINE_ITEMS && j.every(isScalar) && valueToJson(j, 0).length <= 72;
      const s = inline ? 0 : step;
      sink.put('[');
      j.forEach((item: unknown, i) => {
        sink.put((i === 0 ? '' : inline ? ', ' : ',') + newline(level + 1, s));
        write(item, level + 1, s);
      });
      sink.put(newline(level, s) + ']');
    } else if (typeof j === 'object') {
      const entries: Array<[string, unknown]> = j instanceof Map ? [...(j as Map<string, unknown>)] : Object.entries(j as object);
      if (j !== v) return writeObject(entries, level, 0); // a tag: one line
      if (isStructLike(v) && looksTagged(entries.map(([k]) => k))) {
        sink.put('{' + newline(level + 1, step) + '"$struct": ');
        writeObject(entries, level + 1, step);
        sink.put(newline(level, step) + '}');
        return;
      }
      writeObject(entries, level, step);
    } else sink.put(JSON.stringify(String(j)));
  }

  function writeObject(entries: Array<[string, unknown]>, level: number, step: number): void {
    const shown = entries.filter(([, v]) => v !== undefined);
    if (shown.length === 0) return sink.put('{}');
    sink.put('{');
    shown.forEach(([k, item], i) => {
      sink.put((i === 0 ? '' : step === 0 && indent > 0 ? ', ' : ',') + newline(level + 1, step) + JSON.stringify(k) + (indent === 0 ? ':' : ': '));
      write(item, level + 1, step);
    });
    sink.put(newline(level, step) + '}');
  }
}

/** {@link writeJson} into a string, for small values. */
export function valueToJson(value: unknown, indent = 2): string {
  const parts: string[] = [];
  writeJson({ put: (text) => void parts.push(text), end: () => {} }, value, indent);
  return parts.join('');
}

/** Prints a value as JSON on `output`, streamed, with a final newline. */
export function printJson(output: Output, value: unknown): void {
  printStreamed(output, (sink) => writeJson(sink, value));
}

/** A value written as one JSON token (or a one-line tag). */
function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object' || v instanceof Date || v instanceof XmlRpcDateTime || v instanceof Uint8Array || v instanceof TypedValue;
}

function isStructLike(v: unknown): boolean {
  return v instanceof Map || isPlainObject(v);
}
