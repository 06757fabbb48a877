/**
 * The default reader: a scanner for the XML subset XML-RPC needs (elements, attributes, text,
 * character and predefined entity references, CDATA, comments, PIs, the XML declaration).
 * Iterative, never recursive; DOCTYPE is refused before anything is read from it.
 * It reports elements and text to an {@link XmlSink}; the value builder does the rest.
 */
import { DecodeError, type DecodeErrorReason, type DocumentPosition } from '../core/errors.js';
import { cut } from '../core/excerpt.js';
import { ILLEGAL_XML_CHAR_RE, isXmlChar } from './scalars.js';
import { DEFAULT_DECODE_LIMITS } from './options.js';
// A speed-only shortcut; browser bundles get a stub that always declines (package.json `imports`).
import { knownName } from '#fast-paths';

/** Receives what a reader sees, in document order. Text runs are merged across comments and CDATA. */
export interface XmlSink {
  startElement(name: string, offset: number): void;
  endElement(name: string, offset: number): void;
  characters(text: string, offset: number): void;
}

/** Line and column (1-based) of a character offset. */
export function positionOf(doc: string, offset: number): DocumentPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = doc.indexOf('\n'); i >= 0 && i < offset; i = doc.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** A DecodeError located in `doc`. */
export function xmlError(
  doc: string | undefined,
  offset: number,
  detail: string,
  reason: DecodeErrorReason = 'xml',
  xmlKind: 'syntax' | 'encoding' | 'character' = 'syntax',
): DecodeError {
  return new DecodeError(reason, detail, '', doc === undefined ? undefined : positionOf(doc, offset), { xmlKind });
}

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Rejects characters XML 1.0 forbids. `surrogates` is false for text that came from a
 * fatal UTF-8/UTF-16 decoder, which cannot hold lone surrogates.
 */
export function checkCharacters(doc: string, surrogates: boolean): void {
  let m = ILLEGAL_XML_CHAR_RE.exec(doc);
  if (m === null && surrogates) m = LONE_SURROGATE_RE.exec(doc);
  if (m !== null) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw xmlError(doc, m.index, `the character U+${code} is not allowed in XML`, 'xml', 'character');
  }
}

/** `lt`, `gt`, `amp`, `quot` or `apos` between `start` and `end`, told apart without cutting a string. */
function predefinedEntity(raw: string, start: number, end: number): string | undefined {
  switch (end - start) {
    case 2:
      if (raw.charCodeAt(start + 1) !== 116 /* t */) return undefined;
      return raw.charCodeAt(start) === 108 /* l */ ? '<' : raw.charCodeAt(start) === 103 /* g */ ? '>' : undefined;
    case 3:
      return raw.startsWith('amp', start) ? '&' : undefined;
    case 4:
      return raw.startsWith('quot', start) ? '"' : raw.startsWith('apos', start) ? "'" : undefined;
    default:
      return undefined;
  }
}

/**
 * The code point of the digits of a character reference, or -1 when they are not digits of
 * `radix` (10 or 16). Leading zeros are legal XML, however many (`&#x0000000041;` is `A`).
 */
function referencedCodePoint(digits: string, radix: 10 | 16): number {
  if (digits === '') return -1;
  let cp = 0;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : radix === 16 && c >= 97 && c <= 102 ? c - 87 : radix === 16 && c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    // Past the last code point it stays out of range; stopping the growth keeps it exact.
    cp = cp > 0x10ffff ? cp : cp * radix + d;
  }
  return cp;
}

/** The character of `&#NNN;` / `&#xHHH;` (`ref` is what stands between `&` and `;`). */
function characterReference(ref: string, doc: string | undefined, offset: number): string {
  const shown = `&${cut(ref, 16)};`;
  if (ref.charCodeAt(0) !== 35 /* # */) {
    throw xmlError(doc, offset, `undefined entity ${shown} (only the five predefined entities exist without a DTD)`);
  }
  const cp = ref.charCodeAt(1) === 120 /* x */ ? referencedCodePoint(ref.slice(2), 16) : referencedCodePoint(ref.slice(1), 10);
  if (cp < 0) throw xmlError(doc, offset, `malformed character reference ${shown}`);
  if (!isXmlChar(cp)) throw xmlError(doc, offset, `${shown} refers to a character not allowed in XML`, 'xml', 'character');
  return String.fromCodePoint(cp);
}

/**
 * Replaces the five predefined entities and character references in `raw` (which holds at
 * least one `&`). Anything else is an error: no DTD, so no other entity exists. Errors are
 * placed at `baseOffset` in `doc`, or nowhere when the caller knows no offsets (`doc` undefined).
 */
export function decodeReferences(raw: string, doc: string | undefined, baseOffset: number): string {
  let out = '';
  let i = 0;
  for (;;) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) return flatten(out + raw.slice(i));
    out += raw.slice(i, amp);
    const semi = raw.indexOf(';', amp + 1);
    // A character reference may be long (leading zeros); an entity name this long is a raw "&".
    if (semi < 0 || (semi - amp > 12 && raw.charCodeAt(amp + 1) !== 35 /* # */)) {
      throw xmlError(doc, baseOffset + amp, 'a raw "&" must be written as &amp;');
    }
    out += predefinedEntity(raw, amp + 1, semi) ?? characterReference(raw.slice(amp + 1, semi), doc, baseOffset + amp);
    i = semi + 1;
  }
}

// ASCII characters allowed in names; all non-ASCII characters are allowed (a tolerant superset of XML's rules).
const NAME_CHAR = new Uint8Array(128);
const NAME_START = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const start = /[A-Za-z_:]/.test(ch);
  NAME_START[c] = start ? 1 : 0;
  NAME_CHAR[c] = start || /[0-9.\-]/.test(ch) ? 1 : 0;
}

// XML 1.0 §2.3 NameStartChar / NameChar beyond ASCII (U+00A0, U+3000 and other spaces are not).
// XML 1.0 §2.3 NameStartChar beyond ASCII, and the few NameChars added to it. Literals, so the
// ReDoS check (spec-tests/core/regex.test.js) can read them.
const NON_ASCII_NAME_START_RE = /^[\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]/u;
const NON_ASCII_NAME_CHAR_RE = /^[\u00B7\u0300-\u036F\u203F-\u2040]/;

/** The length of the non-ASCII name character at `i` (a surrogate pair is two), or 0 when there is none. */
function nonAsciiNameChar(doc: string, i: number, start: boolean): number {
  const m = NON_ASCII_NAME_START_RE.exec(doc.slice(i, i + 2));
  if (m !== null) return m[0].length;
  return !start && NON_ASCII_NAME_CHAR_RE.test(doc.slice(i, i + 1)) ? 1 : 0;
}

/**
 * The end of the name at `pos` (`pos` itself when none starts there). It reads at most
 * `limit + 1` characters of it: the caller refuses a longer name without scanning it all.
 */
export function nameEnd(doc: string, pos: number, limit: number): number {
  const len = Math.min(doc.length, pos + limit + 1);
  const first = doc.charCodeAt(pos);
  let i: number;
  if (first < 128) {
    if (NAME_START[first] !== 1) return pos;
    i = pos + 1;
  } else {
    const n = nonAsciiNameChar(doc, pos, true);
    if (n === 0) return pos;
    i = pos + n;
  }
  while (i < len) {
    const c = doc.charCodeAt(i);
    if (c < 128) {
      if (NAME_CHAR[c] === 0) break;
      i++;
    } else {
      const n = nonAsciiNameChar(doc, i, false);
      if (n === 0) break;
      i += n;
    }
  }
  return i;
}

/**
 * The end of the name at `at`, refusing one longer than `limit`. A plain function, not a closure
 * in scanDocument: a closure over `doc` would put it in a context object for the whole hot loop.
 */
function boundedNameEnd(doc: string, at: number, limit: number): number {
  const end = nameEnd(doc, at, limit);
  if (end - at > limit) {
    throw xmlError(doc, at, `an element or attribute name longer than ${limit} characters (maxXmlNameLength)`, 'limit');
  }
  return end;
}

/** XML whitespace (§2.3 S): space, LF, tab, CR. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function skipSpace(doc: string, pos: number): number {
  while (pos < doc.length && isSpace(doc.charCodeAt(pos))) pos++;
  return pos;
}

/**
 * Makes V8 turn a string built from pieces into one flat string now, releasing the pieces
 * (which are slices of the whole document): reading a character flattens a rope.
 */
export function flatten(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** A copy of `s` that shares no memory with the document (short strings are copies already). */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Line ends become LF (XML 1.0 §2.11). */
export function normalizeNewlines(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}

/** The text between `start` and `end` with line ends normalized and references replaced; `]]>` is an error. */
export function rawText(doc: string, start: number, end: number): string {
  const raw = doc.slice(start, end);
  if (raw.indexOf(']]>') >= 0) throw xmlError(doc, start + raw.indexOf(']]>'), '"]]>" is not allowed in text');
  // Line ends are normalized before references are replaced, so &#13; survives as CR.
  const text = normalizeNewlines(raw);
  return text.indexOf('&') < 0 ? text : decodeReferences(text, doc, start);
}

/** True when no text of `doc` needs {@link rawText}'s work (no `]]>`, CR or `&`): a slice is the text. */
export function plainText(doc: string): boolean {
  return doc.indexOf('&') < 0 && doc.indexOf('\r') < 0 && doc.indexOf(']]>') < 0;
}

/** True when `text` is only XML whitespace (space, tab, CR, LF), or empty. */
export function isWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

const DECL_RE = /^<\?xml([ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*("1\.[0-9]+"|'1\.[0-9]+'))([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*("[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*("(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/;

/**
 * How far into a document its XML declaration may reach, in characters. The charset sniffer
 * reads the same window (as Latin-1 bytes) with the same rule, so the two never disagree on
 * whether, and which, encoding is declared.
 */
export const DECLARATION_WINDOW = 512;

/** The encoding an XML declaration at the start of `head` names, as written; undefined when none (or malformed). */
export function declaredEncodingOf(head: string): string | undefined {
  if (!head.startsWith('<?xml')) return undefined;
  const quoted = DECL_RE.exec(head.slice(0, DECLARATION_WINDOW))?.[4];
  return quoted === undefined ? undefined : quoted.slice(1, -1);
}

/** Length of the XML declaration at the start of `doc` (0 if none); a malformed one is an error. */
export function declarationLength(doc: string, start: number): number {
  if (!doc.startsWith('<?xml', start)) return 0;
  const after = doc.charCodeAt(start + 5);
  if (!isSpace(after) && after !== 63) return 0; // a PI such as <?xml-stylesheet?>
  const m = DECL_RE.exec(doc.slice(start, start + DECLARATION_WINDOW));
  if (m === null) throw xmlError(doc, start, 'malformed XML declaration');
  return m[0].length;
}

/**
 * Reads `doc` from `start` (after any BOM) and feeds `sink`. Throws DecodeError for anything
 * that is not well-formed, and reason 'dtd' for a DOCTYPE.
 */
export function scanDocument(doc: string, sink: XmlSink, start = 0, maxXmlNameLength = DEFAULT_DECODE_LIMITS.maxXmlNameLength): void {
  const len = doc.length;
  let pos = start + declarationLength(doc, start);
  const open: string[] = [];
  let rootDone = false;
  let pending = '';
  let pendingAt = -1;

  while (pos < len) {
    // Compact documents put one tag right after another: no search needed.
    const lt = doc.charCodeAt(pos) === 60 ? pos : doc.indexOf('<', pos);
    const end = lt < 0 ? len : lt;
    if (end > pos) {
      if (open.length === 0) {
        // Outside the root only whitespace may appear.
        for (let i = pos; i < end; i++) {
          if (!isSpace(doc.charCodeAt(i))) {
            throw xmlError(doc, i, rootDone ? 'text after the root element' : 'text before the root element');
          }
        }
      } else {
        // A lone newline between elements (Python's layout) needs none of rawText's checks.
        const text = end - pos === 1 && doc.charCodeAt(pos) === 10 ? '\n' : rawText(doc, pos, end);
        if (pendingAt < 0) pendingAt = pos;
        pending = pending === '' ? text : pending + text;
      }
    }
    if (lt < 0) break;
    const c = doc.charCodeAt(lt + 1);

    if (c === 47 /* / */) {
      const nameStart = lt + 2;
      const expected = open.pop();
      let name: string;
      let close: number;
      if (expected !== undefined && doc.charCodeAt(nameStart + expected.length) === 62 && doc.startsWith(expected, nameStart)) {
        // The common case, `</name>`, compared in place.
        name = expected;
        close = nameStart + expected.length;
      } else {
        const nEnd = boundedNameEnd(doc, nameStart, maxXmlNameLength);
        name = doc.slice(nameStart, nEnd);
        close = skipSpace(doc, nEnd);
        if (name === '' || doc.charCodeAt(close) !== 62) throw xmlError(doc, lt, 'malformed end tag');
        if (expected === undefined) throw xmlError(doc, lt, `end tag </${cut(name)}> without a start tag`);
        if (expected !== name) throw xmlError(doc, lt, `end tag </${cut(name)}> does not match <${cut(expected)}>`);
      }
      if (pending !== '') {
        sink.characters(pending, pendingAt);
        pending = '';
      }
      pendingAt = -1;
      sink.endElement(name, lt);
      if (open.length === 0) rootDone = true;
      pos = close + 1;
      continue;
    }

    if (c === 33 /* ! */) {
      if (doc.startsWith('<!--', lt)) {
        const close = doc.indexOf('--', lt + 4);
        if (close < 0) throw xmlError(doc, lt, 'unterminated comment');
        if (doc.charCodeAt(close + 2) !== 62) throw xmlError(doc, close, '"--" is not allowed inside a comment');
        pos = close + 3;
        continue;
      }
      if (doc.startsWith('<![CDATA[', lt)) {
        if (open.length === 0) throw xmlError(doc, lt, 'CDATA outside the root element');
        const close = doc.indexOf(']]>', lt + 9);
        if (close < 0) throw xmlError(doc, lt, 'unterminated CDATA section');
        if (pendingAt < 0) pendingAt = lt;
        pending += normalizeNewlines(doc.slice(lt + 9, close));
        pos = close + 3;
        continue;
      }
      if (doc.startsWith('<!DOCTYPE', lt)) {
        throw xmlError(doc, lt, 'a DOCTYPE is refused: XML-RPC needs no DTD', 'dtd');
      }
      throw xmlError(doc, lt, 'malformed markup declaration');
    }

    if (c === 63 /* ? */) {
      const nEnd = boundedNameEnd(doc, lt + 2, maxXmlNameLength);
      const target = doc.slice(lt + 2, nEnd);
      if (target === '') throw xmlError(doc, lt, 'processing instruction without a target');
      if (target.toLowerCase() === 'xml') {
        throw xmlError(doc, lt, 'the XML declaration is only allowed at the very start of the document');
      }
      const close = doc.indexOf('?>', nEnd);
      if (close < 0) throw xmlError(doc, lt, 'unterminated processing instruction');
      if (close > nEnd && !isSpace(doc.charCodeAt(nEnd))) throw xmlError(doc, lt, 'malformed processing instruction');
      pos = close + 2;
      continue;
    }

    // Start tag. The common case, `<value>` and its kin, reads no name and no attribute.
    const nameStart = lt + 1;
    let name = rootDone ? undefined : knownName(doc, nameStart);
    let selfClosing = false;
    if (name !== undefined && name.length <= maxXmlNameLength) pos = nameStart + name.length + 1;
    else {
      const nEnd = boundedNameEnd(doc, nameStart, maxXmlNameLength);
      if (nEnd === nameStart) throw xmlError(doc, lt, 'a raw "<" must be written as &lt;');
      if (rootDone) throw xmlError(doc, lt, 'a second root element');
      name = doc.slice(nameStart, nEnd);
      pos = nEnd;
      let attrNames: Set<string> | undefined;
      for (;;) {
        const before = pos;
        pos = skipSpace(doc, pos);
        const ch = doc.charCodeAt(pos);
        if (ch === 62 /* > */) {
          pos++;
          break;
        }
        if (ch === 47 /* / */ && doc.charCodeAt(pos + 1) === 62) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (Number.isNaN(ch)) throw xmlError(doc, lt, `unterminated start tag <${cut(name)}`);
        if (pos === before) throw xmlError(doc, pos, `malformed start tag <${cut(name)}>`);
        // An attribute: XML-RPC defines none, so it is checked for well-formedness and ignored.
        const aEnd = boundedNameEnd(doc, pos, maxXmlNameLength);
        if (aEnd === pos) throw xmlError(doc, pos, `malformed attribute in <${cut(name)}>`);
        const attr = doc.slice(pos, aEnd);
        attrNames ??= new Set();
        if (attrNames.has(attr)) throw xmlError(doc, pos, `duplicate attribute ${cut(attr)} in <${cut(name)}>`);
        attrNames.add(attr);
        pos = skipSpace(doc, aEnd);
        if (doc.charCodeAt(pos) !== 61 /* = */) throw xmlError(doc, pos, `attribute ${cut(attr)} needs a value`);
        pos = skipSpace(doc, pos + 1);
        const quote = doc.charCodeAt(pos);
        if (quote !== 34 && quote !== 39) throw xmlError(doc, pos, `the value of attribute ${cut(attr)} must be quoted`);
        const close = doc.indexOf(quote === 34 ? '"' : "'", pos + 1);
        if (close < 0) throw xmlError(doc, pos, `unterminated value of attribute ${cut(attr)}`);
        const value = doc.slice(pos + 1, close);
        if (value.indexOf('<') >= 0) throw xmlError(doc, pos, `"<" is not allowed in the value of attribute ${cut(attr)}`);
        if (value.indexOf('&') >= 0) decodeReferences(value, doc, pos + 1);
        pos = close + 1;
      }
    }
    if (pending !== '') {
      sink.characters(pending, pendingAt);
      pending = '';
    }
    pendingAt = -1;
    sink.startElement(name, lt);
    if (selfClosing) {
      sink.endElement(name, lt);
      if (open.length === 0) rootDone = true;
    } else {
      open.push(name);
    }
  }

  if (open.length > 0) throw xmlError(doc, len, `the document ends inside <${cut(open[open.length - 1]!)}>`);
  if (!rootDone) throw xmlError(doc, len, 'no root element: the document is empty');
}
