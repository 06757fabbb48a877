/**
 * Bytes to text: the BOM and the XML declaration decide the encoding (XML 1.0 §4.3.3,
 * spec digest §8.1). Bytes invalid for the encoding are errors, never U+FFFD.
 */
import { DecodeError, type DocumentPosition } from '../core/errors.js';
import { excerpt } from '../core/excerpt.js';
import { DECLARATION_WINDOW, declaredEncodingOf } from './scanner.js';

/** The declared encoding, lower-cased: read by the scanner's own declaration rule, over the same window. */
function declaredEncoding(head: string): string | undefined {
  return declaredEncodingOf(head)?.toLowerCase();
}

/**
 * The bytes of an XML declaration up to its first `>` (within the scanner's window) as text: it is
 * ASCII in every ASCII-compatible encoding, and a few dozen bytes need no decoder.
 */
function declarationHead(body: Uint8Array): string {
  const window = body.subarray(0, DECLARATION_WINDOW);
  const gt = window.indexOf(0x3e);
  return String.fromCharCode.apply(null, window.subarray(0, gt < 0 ? window.length : gt + 1) as unknown as number[]);
}

/** Bytes as Latin-1 text (each byte one character), with nothing Node-only. */
function latin1(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return UTF8.decode(bytes); // one native call for the common case
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

function fail(detail: string, kind: 'encoding' | 'character', position?: DocumentPosition): DecodeError {
  return new DecodeError('xml', detail, '', position, { xmlKind: kind });
}

/**
 * Where byte `offset` of `bytes` is: lines are counted by LF and the column in bytes, or in code
 * units for UTF-16 (`utf16` says which byte order; a code unit is LF only when it is U+000A).
 */
function bytePosition(bytes: Uint8Array, offset: number, utf16?: 'le' | 'be'): DocumentPosition {
  const unit = utf16 === undefined ? 1 : 2;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i + unit <= offset; i += unit) {
    const lf = utf16 === undefined ? bytes[i] === 0x0a
      : utf16 === 'le' ? bytes[i] === 0x0a && bytes[i + 1] === 0 : bytes[i] === 0 && bytes[i + 1] === 0x0a;
    if (lf) {
      line++;
      lineStart = i + unit;
    }
  }
  return { offset, line, column: (offset - lineStart) / unit + 1 };
}

/**
 * The offset of the first byte (UTF-8) or code unit (UTF-16) the fatal decoder refuses, or -1. A
 * replacing decoder marks each refused sequence with U+FFFD, and everything before it is well
 * formed, so re-encoding that text gives its byte length (UTF-16: two bytes a unit). A U+FFFD
 * that was sent as such is skipped. Error path only: one native decode and encode, linear.
 */
function firstBadOffset(bytes: Uint8Array, utf16?: 'le' | 'be'): number {
  const text = new TextDecoder(utf16 === undefined ? 'utf-8' : `utf-16${utf16}`, { ignoreBOM: true }).decode(bytes);
  const sent = utf16 === undefined ? [0xef, 0xbf, 0xbd] : utf16 === 'le' ? [0xfd, 0xff] : [0xff, 0xfd];
  let at = 0;
  for (let from = 0, i; (i = text.indexOf('\ufffd', from)) >= 0; from = i + 1) {
    at += utf16 === undefined ? new TextEncoder().encode(text.slice(from, i)).length : 2 * (i - from);
    if (!sent.every((byte, k) => bytes[at + k] === byte)) return at;
    at += sent.length;
  }
  return -1;
}

/** The error for bytes invalid in `name`; for UTF-8 and UTF-16 (`utf16` says which order) with the place of the first bad one. */
function invalidBytes(name: string, bytes: Uint8Array, cause: unknown, bomLength: number, utf16?: 'le' | 'be', locate = true): DecodeError {
  const at = locate ? firstBadOffset(bytes, utf16) : -1;
  if (at < 0) return new DecodeError('xml', `the bytes are not valid ${name}`, '', undefined, { cause, xmlKind: 'character' });
  const what = utf16 !== undefined && at + 1 < bytes.length ? 'code unit' : 'byte';
  const value = what === 'byte' ? bytes[at]! : utf16 === 'le' ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
  const position = bytePosition(bytes, at, utf16);
  position.offset += bomLength;
  const hex = value.toString(16).toUpperCase().padStart(what === 'code unit' ? 4 : 2, '0');
  return new DecodeError('xml', `${what} 0x${hex} at byte offset ${position.offset} is not valid ${name}`, '', position, { cause, xmlKind: 'character' });
}

function decodeWith(label: string, bytes: Uint8Array, name: string, bomLength = 0): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    const utf16 = label === 'utf-16le' ? 'le' : label === 'utf-16be' ? 'be' : undefined;
    throw invalidBytes(name, bytes, cause, bomLength, utf16, utf16 !== undefined);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array, bomLength: number): string {
  try {
    return UTF8.decode(bytes);
  } catch (cause) {
    throw invalidBytes('UTF-8', bytes, cause, bomLength);
  }
}

const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso_8859-1', 'cp819', 'ibm819']);
const ASCII = new Set(['us-ascii', 'ascii', 'iso646-us', 'ansi_x3.4-1968']);
/** Names of UTF-8, lower-cased (the byte fast path reads only what these rules decode as UTF-8). */
export const UTF8_NAMES: ReadonlySet<string> = new Set(['utf-8', 'utf8']);
const UTF16_NAMES = new Set(['utf-16', 'utf16', 'utf-16le', 'utf-16be', 'ucs-2']);

const WINDOWS_1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252']);
// Bytes 0x80-0x9F of windows-1252 (the rest is Latin-1). Written out because some Node
// releases decode this label as Latin-1 in TextDecoder. 0 marks the five unassigned bytes.
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const text = latin1(bytes);
  if (!/[\x80-\x9f]/.test(text)) return text;
  return text.replace(/[\x80-\x9f]/g, (ch) => {
    const cp = CP1252_HIGH[ch.charCodeAt(0) - 0x80]!;
    if (cp === 0) {
      const at = text.indexOf(ch);
      throw fail(`byte 0x${ch.charCodeAt(0).toString(16)} at offset ${at} is not assigned in windows-1252`, 'character', bytePosition(bytes, at));
    }
    return String.fromCharCode(cp);
  });
}

/**
 * Decodes a document's bytes to text: by its BOM, else its encoding declaration, else
 * `defaultEncoding` (the transport's charset), else UTF-8. The text holds no lone surrogate:
 * fatal decoders refuse them, and the single-byte encodings cannot make them.
 */
export function decodeDocumentBytes(bytes: Uint8Array, defaultEncoding?: string): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  // UTF-32 BOMs first: FF FE 00 00 would otherwise read as UTF-16LE.
  if ((b0 === 0xff && b1 === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (b0 === 0 && b1 === 0 && bytes[2] === 0xfe)) {
    throw fail('UTF-32 documents are not supported', 'encoding');
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || (b0 === 0x3c && b1 === 0 && bytes[2] === 0x3f) || (b0 === 0 && b1 === 0x3c && bytes[2] === 0)) {
    const le = b0 === 0xff || b0 === 0x3c;
    const hasBom = b0 === 0xff || b0 === 0xfe;
    const text = decodeWith(le ? 'utf-16le' : 'utf-16be', hasBom ? bytes.subarray(2) : bytes, le ? 'UTF-16LE' : 'UTF-16BE', hasBom ? 2 : 0);
    const declared = declaredEncoding(text.slice(0, DECLARATION_WINDOW));
    if (declared !== undefined && !UTF16_NAMES.has(declared)) {
      throw fail(`the document is UTF-16 but declares encoding ${excerpt(declared)}`, 'encoding');
    }
    return text;
  }
  const hasUtf8Bom = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf;
  const body = hasUtf8Bom ? bytes.subarray(3) : bytes;
  // The declaration is ASCII in every ASCII-compatible encoding.
  const declared = body[0] === 0x3c && body[1] === 0x3f
    ? declaredEncoding(declarationHead(body))
    : undefined;
  if (declared === undefined && !hasUtf8Bom && defaultEncoding !== undefined) {
    return decodeNamed(defaultEncoding.toLowerCase(), body);
  }
  if (declared === undefined || UTF8_NAMES.has(declared)) {
    return decodeUtf8(body, hasUtf8Bom ? 3 : 0);
  }
  if (hasUtf8Bom) throw fail(`the document has a UTF-8 byte order mark but declares encoding ${excerpt(declared)}`, 'encoding');
  return decodeNamed(declared, body);
}

/**
 * Decodes bytes (no BOM, no UTF-16) in the encoding a lower-case `name` names, strictly: a byte
 * invalid in it is a `DecodeError` ('xml', 'character'), an unknown name one of kind 'encoding'.
 */
function decodeNamed(name: string, body: Uint8Array): string {
  if (UTF8_NAMES.has(name)) return decodeUtf8(body, 0);
  if (UTF16_NAMES.has(name)) throw fail(`encoding ${excerpt(name)} is declared but the document has no UTF-16 byte order mark`, 'encoding');
  if (LATIN1.has(name)) return latin1(body);
  if (ASCII.has(name)) {
    const bad = body.findIndex((b) => b > 0x7f);
    if (bad >= 0) throw fail(`byte 0x${body[bad]!.toString(16)} at offset ${bad} is not US-ASCII`, 'character', bytePosition(body, bad));
    return UTF8.decode(body);
  }
  if (WINDOWS_1252.has(name)) return decodeWindows1252(body);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(name, { fatal: true });
  } catch {
    throw fail(`unsupported encoding ${excerpt(name)}`, 'encoding');
  }
  if (decoder.encoding.startsWith('utf-16')) {
    throw fail(`encoding ${excerpt(name)} is declared but the document has no UTF-16 byte order mark`, 'encoding');
  }
  return decodeWith(name, body, name);
}

/**
 * Text that is not an XML document (an HTTP error page) in the charset its Content-Type names,
 * by the same rules; throws the same `DecodeError`s.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  return decodeNamed(charset.toLowerCase(), bytes);
}
