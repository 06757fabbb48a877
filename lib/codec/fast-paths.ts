/**
 * Shortcuts the general decoder takes for speed on the common forms: each answers the common case
 * or declines (null / undefined), and the general rule in scalars.ts or scanner.ts then decides,
 * so no value and no error depends on them. Package.json `imports` maps `#fast-paths` here on
 * every runtime but browsers, whose bundles get lib/codec/fast-paths-off.ts (always declines) and
 * so carry fewer bytes; spec-tests/codec/browser-paths.test.js checks that both decode alike.
 */
import type { NativeBase64 } from './native-base64.js';

/** XML-RPC's own element names (the longest first where one begins another). */
export const XMLRPC_NAMES: readonly string[] = ['member', 'methodCall', 'methodName', 'methodResponse', 'params', 'param', 'value', 'fault', 'struct',
  'name', 'array', 'data', 'string', 'int', 'i4', 'i8', 'boolean', 'double', 'dateTime.iso8601', 'base64', 'nil'];

// By first character: a start tag among them costs no new string.
const KNOWN_NAMES: string[][] = [];
for (const n of XMLRPC_NAMES) {
  (KNOWN_NAMES[n.charCodeAt(0)] ??= []).push(n);
}

/** The known name at `start` followed at once by `>` (no name character, so the name nameEnd would find). */
export function knownName(doc: string, start: number): string | undefined {
  const candidates = KNOWN_NAMES[doc.charCodeAt(start)];
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i++) {
      const n = candidates[i]!;
      if (doc.charCodeAt(start + n.length) === 62 && doc.startsWith(n, start)) return n;
    }
  }
  return undefined;
}

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** The spec form `YYYYMMDDTHH:MM:SS` read as UTC straight into a Date (the common case), or null. */
export function specFormUtc(text: string): Date | null {
  if (text.length !== 17 || text.charCodeAt(8) !== 84 || text.charCodeAt(11) !== 58 || text.charCodeAt(14) !== 58) return null;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 4) * 10 + digit(text, 5);
  const day = digit(text, 6) * 10 + digit(text, 7);
  const hour = digit(text, 9) * 10 + digit(text, 10);
  const minute = digit(text, 12) * 10 + digit(text, 13);
  const second = digit(text, 15) * 10 + digit(text, 16);
  // NaN fails every comparison below, so a non-digit falls through to the full parser.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) {
    return null; // days 29-31 and years before 100 take the full path, which checks them
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/**
 * Base64 on one line, or in lines of one width (a multiple of 4) ending in LF as MIME and Python's
 * `encodebytes` write it, decoded natively without first copying the text minus its line ends
 * (that copy was most of the time) and checked by counting the bytes (cheaper than re-encoding
 * and comparing the text). `paddingOf` is the base64 rule's own count of the closing "=".
 * Undefined when the text is laid out otherwise or may be invalid: the general path then decides,
 * and says what is wrong.
 */
export function decodeBase64Lines(text: string, native: NativeBase64, paddingOf: (text: string) => number): Uint8Array | undefined {
  const body = text.trim();
  const lf = body.indexOf('\n');
  const width = lf < 0 ? body.length : lf;
  // `text`, not `body`: trim() also drops non-ASCII spaces, which base64 refuses.
  if (width <= 0 || width % 4 || !native.plain(text)) return undefined;
  let breaks = 0;
  for (let p = width; p < body.length; p += width + 1, breaks++) if (body.charCodeAt(p) !== 10) return undefined;
  const chars = body.length - breaks;
  const pad = paddingOf(body);
  // An "=" before the padding (indexOf: V8 scans forward many times faster than lastIndexOf).
  const eq = body.indexOf('=');
  if (chars % 4 || (eq >= 0 && eq < body.length - pad)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = native.decode(text);
  } catch {
    return undefined;
  }
  // Native readers skip white space (Node's reader anything unknown): a space, tab or CR inside
  // a line leaves fewer bytes than counted.
  return bytes.length === (chars / 4) * 3 - pad ? bytes : undefined;
}

// ---------------------------------------------------------------------------------------------
// Encoding: the strings of a long array written through one buffer

/** Code units a buffer holds (32 KB): Node's UTF-16 decode is about 2x slower per unit past 16 Ki (measured). */
const RUN_UNITS = 1 << 14;
/**
 * The buffer of a run over 4,096 elements or more (2 MB, made for the run and then dropped): Node
 * decodes more than 1 MB into an external string, whose characters the scavenger never copies
 * (with 32 KB pieces, copying the output that was still growing was a third of an encode).
 */
const RUN_UNITS_LARGE = 1 << 20;
const RUN_LARGE_FROM = 4096;
// The longest string a buffer takes: every unit may become five (`&amp;`), plus its tags.
const RUN_STRING_MAX = (RUN_UNITS >> 3) - 64;
// Arrays shorter than this, and runs that hold fewer strings than this when something else
// interrupts them, do not pay for the buffer and its decode (about 0.2 µs each).
const RUN_MIN = 64;
const RUN_SHORT = 8;
// Encode.ts's quick test (the same characters): what it lets through needs no escape.
const MAY_NEED_ESCAPE_RE = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const NO_UNITS: Uint16Array = new Uint16Array(0);
// The buffer goes back here after each run; a run nested in another (an encode called by a
// getter while a run is open) or one that never finished (a throw) makes a new one.
let spareUnits: Uint16Array | undefined;
// TextDecoder turns the units into a string natively. Little-endian machines only (a
// Uint16Array's bytes are the platform's); where either is missing, no run is made.
let unitsDecoder: { decode(units: Uint16Array): string } | undefined;
try {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) unitsDecoder = new TextDecoder('utf-16le', { ignoreBOM: true });
} catch {
  unitsDecoder = undefined;
}

// The tags and the escapes of encode.ts are written unit by unit below; encode.ts's escape stays
// the rule: a string this path cannot write is left to it, and
// spec-tests/codec/encode-string-run.test.js holds both to one output.

/**
 * Writes the strings of one array as `<value><string>…</string></value>`: an escaped string as
 * UTF-16 code units into a buffer that one native decode turns into text every 16 Ki units (no
 * slices, rope nodes or flattening per string: most of an encode of 50,000 escaped strings,
 * profiled); a string that needs no escape as text, as the general writer would (copied into the
 * buffer instead while it holds units, to keep the order). {@link add} declines what it does not
 * write: a string too long, or holding a character XML cannot carry (the general escape then
 * refuses it with its message), and everything once a run was cut short; {@link take} returns
 * what was added since the last take, in order, for the caller to write before anything else.
 */
export class StringRun {
  // Each field keeps one type from the start (no buffer is an empty one), so the object's shape
  // never changes mid-encode (a change made V8 deoptimize the array writer on every encode).
  private buf: Uint16Array = NO_UNITS;
  private p = 0;
  /** Strings in the buffer since the last take. */
  private held = 0;
  /** Text written before the buffer's units: pieces of at most 8 Ki units, as Writer.settle keeps them. */
  private done = '';
  private text = '';
  private off = false;
  /** Something was added since the last take. */
  pending = false;

  constructor(private readonly large: boolean) {}

  add(s: string): boolean {
    const n = s.length;
    if (this.off || n > RUN_STRING_MAX) return false;
    let p = this.p;
    if (p === 0 && !MAY_NEED_ESCAPE_RE.test(s)) {
      let text = this.text + '<value><string>' + s + '</string></value>';
      if (text.length > 8192) {
        text.charCodeAt(0); // flattens it while it is small (see Writer.settle)
        this.done += text;
        text = '';
      }
      this.text = text;
      return (this.pending = true);
    }
    let buf = this.buf;
    if (buf.length === 0) {
      if (this.large) buf = this.buf = new Uint16Array(RUN_UNITS_LARGE);
      else {
        buf = this.buf = spareUnits ?? new Uint16Array(RUN_UNITS);
        spareUnits = undefined;
      }
    } else if (p + n * 5 + 40 > buf.length) {
      this.done += this.text + unitsDecoder!.decode(buf.subarray(0, p));
      this.text = '';
      p = 0;
    }
    // The tags and escapes as single stores: a loop over their units cost 15 % of an encode.
    // <value><string>
    buf[p] = 60; buf[p + 1] = 118; buf[p + 2] = 97; buf[p + 3] = 108; buf[p + 4] = 117; buf[p + 5] = 101; buf[p + 6] = 62;
    buf[p + 7] = 60; buf[p + 8] = 115; buf[p + 9] = 116; buf[p + 10] = 114; buf[p + 11] = 105; buf[p + 12] = 110; buf[p + 13] = 103; buf[p + 14] = 62;
    p += 15;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 62) {
        if (c < 0xd800) buf[p++] = c;
        else if (c <= 0xdbff) {
          const next = s.charCodeAt(i + 1);
          if (!(next >= 0xdc00 && next <= 0xdfff)) return false; // a lone high surrogate
          buf[p] = c;
          buf[p + 1] = next;
          p += 2;
          i++;
        } else if (c > 0xdfff && c < 0xfffe) buf[p++] = c;
        else return false; // a lone low surrogate, U+FFFE or U+FFFF
      } else if (c > 31) {
        if (c === 38) { buf[p] = 38; buf[p + 1] = 97; buf[p + 2] = 109; buf[p + 3] = 112; buf[p + 4] = 59; p += 5; } // &amp;
        else if (c === 60) { buf[p] = 38; buf[p + 1] = 108; buf[p + 2] = 116; buf[p + 3] = 59; p += 4; } // &lt;
        else if (c === 62) { buf[p] = 38; buf[p + 1] = 103; buf[p + 2] = 116; buf[p + 3] = 59; p += 4; } // &gt;
        else buf[p++] = c;
      } else if (c === 9 || c === 10) buf[p++] = c;
      else if (c === 13) { buf[p] = 38; buf[p + 1] = 35; buf[p + 2] = 49; buf[p + 3] = 51; buf[p + 4] = 59; p += 5; } // &#13;
      else return false; // a C0 control XML cannot carry
    }
    // </string></value>
    buf[p] = 60; buf[p + 1] = 47; buf[p + 2] = 115; buf[p + 3] = 116; buf[p + 4] = 114; buf[p + 5] = 105; buf[p + 6] = 110; buf[p + 7] = 103; buf[p + 8] = 62;
    buf[p + 9] = 60; buf[p + 10] = 47; buf[p + 11] = 118; buf[p + 12] = 97; buf[p + 13] = 108; buf[p + 14] = 117; buf[p + 15] = 101; buf[p + 16] = 62;
    this.p = p + 17;
    this.held++;
    return (this.pending = true);
  }

  /** Everything added since the last take, as text ('' if nothing); the buffer goes back for the next run. */
  take(): string {
    let text = this.done + this.text;
    if (this.buf.length !== 0) {
      if (this.p !== 0) text += unitsDecoder!.decode(this.buf.subarray(0, this.p));
      // Cut short (by an element that is not a string, or one declined): too few to pay.
      if (this.held < RUN_SHORT) this.off = true;
      if (!this.large) spareUnits = this.buf;
      this.buf = NO_UNITS;
      this.p = 0;
      this.held = 0;
    }
    this.done = '';
    this.text = '';
    this.pending = false;
    return text;
  }
}

/** A run for an array of `length` elements, or undefined where runs do not pay (short arrays) or cannot work. */
export function stringRun(length: number): StringRun | undefined {
  return length >= RUN_MIN && unitsDecoder !== undefined ? new StringRun(length >= RUN_LARGE_FROM) : undefined;
}
