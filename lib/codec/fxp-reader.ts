/**
 * The second reader: fast-xml-parser, behind the same value builder as the scanner. It is the
 * independent oracle of the differential tests and an option (`reader: 'fast-xml-parser'`).
 * Its defaults are unsafe or lossy for XML-RPC (spec digest §12), so each is set explicitly:
 * no trimming, no number conversion, no entity expansion (references are decoded here, the
 * five predefined ones and character references only), DOCTYPE refused before parsing.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DecodeError } from '../core/errors.js';
import type { DecodeOptions } from './options.js';
import type * as Options from './options.js';
import type * as Scanner from './scanner.js';
import type { XmlSink } from './scanner.js';

/**
 * What this reader uses of the codec, handed over by decode.ts when it loads the reader rather
 * than imported: a bundler then splits this module off with fast-xml-parser alone, sharing no
 * chunk with the codec, so the codec loads as one file at import (a shared chunk cost 0.5 kB
 * gzipped in import lists and lost inlining).
 */
export interface CodecParts {
  DecodeError: typeof DecodeError;
  DEFAULT_DECODE_LIMITS: typeof Options.DEFAULT_DECODE_LIMITS;
  FAST_XML_PARSER_MAX_DEPTH: typeof Options.FAST_XML_PARSER_MAX_DEPTH;
  depthLimitDetail: typeof Options.depthLimitDetail;
  decodeReferences: typeof Scanner.decodeReferences;
  normalizeNewlines: typeof Scanner.normalizeNewlines;
  positionOf: typeof Scanner.positionOf;
  scanDocument: typeof Scanner.scanDocument;
  xmlError: typeof Scanner.xmlError;
}

let codec: CodecParts;

/** The reader, wired to the codec's own rules and errors (see {@link CodecParts}). */
export function fastXmlParserReader(parts: CodecParts): typeof readWithFastXmlParser {
  codec = parts;
  return readWithFastXmlParser;
}

/**
 * `doc` without its comments and PIs (CDATA kept as it is), in one pass. The scanner has checked
 * the document already, so every one of them is closed.
 */
function withoutMarkupData(doc: string): string {
  let out = '';
  let from = 0;
  for (let lt = doc.indexOf('<', 0); lt >= 0; lt = doc.indexOf('<', lt + 1)) {
    const close = doc.startsWith('<![CDATA[', lt) ? ']]>' : doc.startsWith('<!--', lt) ? '-->' : doc.charCodeAt(lt + 1) === 63 /* ? */ ? '?>' : '';
    if (close === '') continue;
    const at = doc.indexOf(close, lt + (close === '-->' ? 4 : 2));
    if (at < 0) break; // unclosed: the scanner refuses it before this runs
    const end = at + close.length;
    if (close !== ']]>') {
      out += doc.slice(from, lt);
      from = end;
    }
    lt = end - 1;
  }
  return from === 0 ? doc : out + doc.slice(from);
}

// XML-RPC spends about three elements per level of value nesting.
const elementsFor = (depth: number): number => depth * 3 + 16;

/**
 * The scanner's pass before fast-xml-parser: no data, only the element depth (refused where it
 * passes the bound) and where each start and end tag is. fast-xml-parser's tree has the same
 * elements in the same order, so the walk below hands the builder the scanner's offsets and the
 * two readers report the same positions.
 */
class ElementPass implements XmlSink {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private depth = 0;
  private readonly limit: number;
  private readonly capped: boolean;

  constructor(
    private readonly doc: string,
    private readonly maxDepth: number,
  ) {
    this.capped = maxDepth > codec.FAST_XML_PARSER_MAX_DEPTH;
    this.limit = elementsFor(Math.min(maxDepth, codec.FAST_XML_PARSER_MAX_DEPTH));
  }

  startElement(_name: string, offset: number): void {
    if (++this.depth > this.limit) {
      throw new codec.DecodeError('limit', codec.depthLimitDetail(this.maxDepth, this.capped), '', codec.positionOf(this.doc, offset));
    }
    this.starts.push(offset);
  }

  endElement(_name: string, offset: number): void {
    this.depth--;
    this.ends.push(offset);
  }

  characters(): void {}
}

type Node = Record<string, unknown>;

function parserFor(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    trimValues: false,
    parseTagValue: false,
    processEntities: false,
    htmlEntities: false,
    cdataPropName: '#cdata',
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: elementsFor(Math.min(maxDepth, codec.FAST_XML_PARSER_MAX_DEPTH)),
  });
}

function textOf(raw: string, doc: string): string {
  if (raw.indexOf(']]>') >= 0) throw codec.xmlError(doc, doc.indexOf(']]>'), '"]]>" is not allowed in text');
  const text = codec.normalizeNewlines(raw);
  // References were checked by the scanner's pass already; this only decodes them.
  return text.indexOf('&') < 0 ? text : codec.decodeReferences(text, undefined, 0);
}

/** Reads `doc` with fast-xml-parser and feeds `sink` (iteratively). */
function readWithFastXmlParser(doc: string, sink: XmlSink, options: DecodeOptions): void {
  // fast-xml-parser's validator is not a conforming XML checker (it accepts a misplaced or
  // mangled declaration, target-less PIs, '<' and undefined entities in attribute values,
  // Unicode spaces inside tags, '--' in comments, several roots). Well-formedness is therefore
  // checked by the scanner's rules, with no sink; fast-xml-parser then builds the tree that
  // feeds the value builder, which is what the differential tests compare.
  const maxDepth = options.maxDepth ?? codec.DEFAULT_DECODE_LIMITS.maxDepth;
  const pass = new ElementPass(doc, maxDepth);
  codec.scanDocument(doc, pass, 0, options.maxXmlNameLength ?? codec.DEFAULT_DECODE_LIMITS.maxXmlNameLength);
  // Comments and PIs carry no data; fast-xml-parser mis-reads some valid PIs (an unbalanced
  // quote in their data), so they go before it sees the document. CDATA is kept as it is.
  const body = withoutMarkupData(doc);
  let tree: Node[];
  try {
    tree = parserFor(maxDepth).parse(body) as Node[];
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/nested tags/i.test(message)) {
      throw new codec.DecodeError('limit', 'arrays and structs nested deeper than maxDepth allows', '', undefined, { cause });
    }
    throw new codec.DecodeError('structure', `fast-xml-parser refused the document: ${message}`, '', undefined, { cause });
  }
  let roots = 0;
  for (const node of tree) {
    const key = Object.keys(node)[0];
    if (key === '#text') {
      if (/[^ \t\r\n]/.test(String(node[key]))) throw new codec.DecodeError('xml', 'text outside the root element');
    } else if (key !== undefined && key !== ':@') roots++;
  }
  if (roots === 0) throw new codec.DecodeError('xml', 'no root element: the document is empty');
  if (roots > 1) throw new codec.DecodeError('xml', 'a second root element');

  // Iterative walk: a stack of (children, next index, element name).
  const stack: { nodes: Node[]; index: number; name: string }[] = [{ nodes: tree, index: 0, name: '' }];
  let pending = '';
  let started = 0;
  let ended = 0;
  // Text is merged differently here (CDATA, references), so it gets the offset of the last tag.
  let lastOffset = -1;
  const flush = (): void => {
    if (pending !== '') {
      sink.characters(pending, lastOffset);
      pending = '';
    }
  };
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.nodes.length) {
      stack.pop();
      flush();
      if (stack.length > 0) {
        lastOffset = pass.ends[ended++] ?? -1;
        sink.endElement(top.name, lastOffset);
      }
      continue;
    }
    const node = top.nodes[top.index++]!;
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key === undefined) continue;
    if (key === '#text') {
      if (stack.length > 1) pending += textOf(String(node[key]), doc);
      continue;
    }
    if (key === '#cdata') {
      const parts = node[key] as Node[];
      for (const part of parts) {
        const t = String(part['#text'] ?? '');
        pending += codec.normalizeNewlines(t);
      }
      continue;
    }
    flush();
    lastOffset = pass.starts[started++] ?? -1;
    sink.startElement(key, lastOffset);
    stack.push({ nodes: node[key] as Node[], index: 0, name: key });
  }
}
