/**
 * The typed argument syntax of xmlrpc-c's `xmlrpc` tool, extended:
 *
 *   i/42  I/9007199254740993  d/1.5  b/true  s/text  n/  h/0a1b  base64/aGk=  t/19980717T14:08:55
 *   array/(i/1,s/x)  struct/{name:s/x,id:i/1}  (nesting allowed; `array/()` and `struct/{}` are empty)
 *   42 1.5 true text   untyped: inferred (see inferUntyped), or always strings with --strings
 *   @FILE  -           base64 of a file's bytes, or of standard input
 *
 * At the top level a scalar's text is taken verbatim (`s/a,b` is "a,b"). Inside `array/(…)`
 * and `struct/{…}` a value ends at `,` `)` or `}`, a member name at `:`, and `\` makes the next
 * character literal (`s/a\,b`). Errors give the argument number and the column.
 */
import type { XmlRpcValue } from '../core/values.js';
import { UsageError } from './flags.js';
import { CONTAINER_TYPES, LexicalError, SCALAR_TYPES, inferUntyped } from './lexical.js';

/** Where `@FILE` and `-` read their bytes from. */
export interface ArgumentSources {
  /** The bytes of a file (relative paths from the working directory). */
  file(path: string): Uint8Array;
  /** All of standard input (read at most once). */
  stdin(): Uint8Array;
}

/** How arguments are read. */
export interface ArgumentOptions {
  /** Infer the type of untyped values (default); false makes them strings. */
  inferTypes: boolean;
  sources: ArgumentSources;
}

/** Deepest nesting of `array/` and `struct/` in one argument. */
const MAX_DEPTH = 1000;
const TYPE_PREFIX = /([A-Za-z][A-Za-z0-9]*)\//y;
/** An argument that starts with a type prefix (`s/`, `array/`); the type may be unknown (then it is an error). */
const TYPE_AT_START = /^[A-Za-z][A-Za-z0-9]*\//;
const KNOWN_TYPES = [...SCALAR_TYPES.keys(), ...CONTAINER_TYPES];

/** A malformed argument: which one, and the column (1-based, in characters) of the problem. */
export class ArgumentError extends UsageError {
  constructor(
    readonly argumentNumber: number,
    readonly argument: string,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`argument ${argumentNumber}: ${abbreviate(argument)}: ${placeColumn(detail, column)}`, caret(argument, column));
    this.name = 'ArgumentError';
  }
}

/** A problem at a character offset of the argument being read. */
class SyntaxProblem extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Reads every argument; the first one is "argument `firstNumber`" in messages. */
export function parseArguments(args: readonly string[], options: ArgumentOptions, firstNumber = 1): XmlRpcValue[] {
  const stdinUsers = options.inferTypes ? args.filter((a) => a === '-').length : 0;
  if (stdinUsers > 1) {
    const second = args.indexOf('-', args.indexOf('-') + 1);
    throw new ArgumentError(firstNumber + second, '-', 1, 'standard input can be read only once');
  }
  return args.map((arg, i) => parseArgument(arg, options, firstNumber + i));
}

/** Reads one argument in the typed syntax. */
export function parseArgument(text: string, options: ArgumentOptions, argumentNumber = 1): XmlRpcValue {
  try {
    // --strings: every argument is its text; `-` and `@FILE` read nothing.
    if (!options.inferTypes && !TYPE_AT_START.test(text)) return text;
    if (text === '-') return Buffer.from(options.sources.stdin());
    const reader = new Reader(text, options);
    const value = reader.value(true, 0);
    if (reader.pos < text.length) {
      throw new SyntaxProblem(`unexpected ${JSON.stringify(text[reader.pos])} after the value`, reader.pos);
    }
    return value;
  } catch (error) {
    if (error instanceof SyntaxProblem) {
      throw new ArgumentError(argumentNumber, text, columnOf(text, error.offset), error.message);
    }
    throw error;
  }
}

/** Text read from the argument, with the argument offset of each character (escapes removed). */
interface Token {
  text: string;
  start: number;
  offsets: number[];
}

class Reader {
  pos = 0;

  constructor(private readonly text: string, private readonly options: ArgumentOptions) {}

  value(top: boolean, depth: number): XmlRpcValue {
    const start = this.pos;
    TYPE_PREFIX.lastIndex = start;
    const m = TYPE_PREFIX.exec(this.text);
    if (m !== null) {
      const name = m[1] as string;
      if (CONTAINER_TYPES.has(name)) {
        if (depth >= MAX_DEPTH) throw new SyntaxProblem(`arrays and structs nested deeper than ${MAX_DEPTH}`, start);
        this.pos = TYPE_PREFIX.lastIndex;
        return name === 'array' ? this.array(depth) : this.struct(depth);
      }
      const read = SCALAR_TYPES.get(name);
      if (read !== undefined) {
        this.pos = TYPE_PREFIX.lastIndex;
        const body = this.body(top);
        try {
          return read(body.text);
        } catch (error) {
          throw this.lexical(error, body);
        }
      }
      const near = KNOWN_TYPES.find((k) => k.toLowerCase() === name.toLowerCase());
      if (near !== undefined) throw new SyntaxProblem(`unknown type '${name}/'; did you mean '${near}/'?`, start);
    }
    const body = this.body(top);
    if (!top && body.text === '') {
      throw new SyntaxProblem(`expected a value, found ${this.describeHere()}; write s/ for an empty string`, this.pos);
    }
    if (!this.options.inferTypes) return body.text;
    if (body.text.startsWith('@')) return this.file(body);
    try {
      return inferUntyped(body.text);
    } catch (error) {
      throw this.lexical(error, body);
    }
  }

  private array(depth: number): XmlRpcValue[] {
    const open = this.pos;
    this.expect('(', "'(' after 'array/'");
    const items: XmlRpcValue[] = [];
    if (this.text[this.pos] === ')') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(false, depth + 1));
      if (this.closeOrNext(')', 'array', open)) return items;
    }
  }

  private struct(depth: number): Record<string, XmlRpcValue> {
    const open = this.pos;
    this.expect('{', "'{' after 'struct/'");
    const members: Record<string, XmlRpcValue> = Object.create(null) as Record<string, XmlRpcValue>;
    if (this.text[this.pos] === '}') {
      this.pos++;
      return members;
    }
    for (;;) {
      const name = this.token(':,)}');
      if (this.text[this.pos] !== ':') {
        throw new SyntaxProblem(`expected ':' after the member name ${JSON.stringify(name.text)}, found ${this.describeHere()}`, this.pos);
      }
      if (Object.hasOwn(members, name.text)) throw new SyntaxProblem(`duplicate member name ${JSON.stringify(name.text)}`, name.start);
      this.pos++;
      // defineProperty: a member named __proto__ is data, not the prototype.
      Object.defineProperty(members, name.text, { value: this.value(false, depth + 1), enumerable: true, writable: true, configurable: true });
      if (this.closeOrNext('}', 'struct', open)) return members;
    }
  }

  /** After an item: true at the closing bracket, false at a comma; anything else is an error. */
  private closeOrNext(close: string, what: string, open: number): boolean {
    const c = this.text[this.pos];
    if (c === close) {
      this.pos++;
      return true;
    }
    if (c === ',') {
      this.pos++;
      return false;
    }
    const opened = `the ${what} opened at column ${columnOf(this.text, open)}`;
    throw new SyntaxProblem(`expected ',' or '${close}' to continue or close ${opened}, found ${this.describeHere()}`, this.pos);
  }

  private expect(c: string, what: string): void {
    if (this.text[this.pos] !== c) throw new SyntaxProblem(`expected ${what}, found ${this.describeHere()}`, this.pos);
    this.pos++;
  }

  /** A scalar's text: the rest of the argument at the top level, else a token. */
  private body(top: boolean): Token {
    if (!top) return this.token(',)}');
    const start = this.pos;
    this.pos = this.text.length;
    const text = this.text.slice(start);
    return { text, start, offsets: Array.from({ length: text.length }, (_, i) => start + i) };
  }

  /** Reads up to an unescaped stop character; `\x` stands for `x`. */
  private token(stops: string): Token {
    const start = this.pos;
    let text = '';
    const offsets: number[] = [];
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (stops.includes(c)) break;
      if (c === '\\') {
        if (this.pos + 1 >= this.text.length) throw new SyntaxProblem("nothing after the escape character '\\'", this.pos);
        this.pos++;
      }
      offsets.push(this.pos);
      text += this.text[this.pos];
      this.pos++;
    }
    return { text, start, offsets };
  }

  private file(body: Token): XmlRpcValue {
    const path = body.text.slice(1);
    if (path === '') throw new SyntaxProblem("expected a file name after '@'; write s/@ for the text '@'", body.start);
    try {
      return Buffer.from(this.options.sources.file(path));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
      throw new SyntaxProblem(`cannot read the file ${JSON.stringify(path)}: ${reason}; write s/${body.text} for the text`, body.start);
    }
  }

  private lexical(error: unknown, body: Token): unknown {
    if (!(error instanceof LexicalError)) return error;
    const offset = body.offsets[error.offset] ?? (body.text === '' ? body.start : body.start + error.offset);
    return new SyntaxProblem(error.message, offset);
  }

  private describeHere(): string {
    const c = this.text[this.pos];
    return c === undefined ? 'the end of the argument' : JSON.stringify(c);
  }
}

/** 1-based column of a UTF-16 offset, counting characters (code points). */
function columnOf(text: string, offset: number): number {
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) i++;
    column++;
  }
  return column;
}

/** `detail at column N`, the column before a `; hint` so it stays next to the problem. */
function placeColumn(detail: string, column: number): string {
  const hint = detail.indexOf('; ');
  return hint < 0 ? `${detail} at column ${column}` : `${detail.slice(0, hint)} at column ${column}${detail.slice(hint)}`;
}

function abbreviate(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= 40) return text;
  const m = /^(array|struct)\/([({])/.exec(text);
  return m !== null ? `${m[1]}/${m[2]}...${m[2] === '(' ? ')' : '}'}` : chars.slice(0, 37).join('') + '...';
}

/** The argument with a caret under the column; long arguments are cut around it. */
function caret(text: string, column: number): string[] {
  const chars = Array.from(text.replace(/[\r\n\t]/g, ' '));
  let from = 0;
  if (chars.length > 72) from = Math.max(0, Math.min(column - 36, chars.length - 72));
  const shown = chars.slice(from, from + 72);
  const lead = from > 0 ? '...' : '';
  const tail = from + 72 < chars.length ? '...' : '';
  return [`  ${lead}${shown.join('')}${tail}`, `  ${' '.repeat(lead.length + column - 1 - from)}^`];
}
