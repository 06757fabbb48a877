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
