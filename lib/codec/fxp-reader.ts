/**
 * The second reader: fast-xml-parser, behind the same value builder as the scanner. It is the
 * independent oracle of the differential tests and an option (`reader: 'fast-xml-parser'`).
 * Its defaults are unsafe or lossy for XML-RPC (spec digest §12), so each is set explicitly:
 * no trimming, no number conversion, no entity expansion (references are decoded here, the
 * five predefined ones and character references only), DOCTYPE refused before parsing.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DecodeError } from '../errors.js';
import type { DecodeOptions } from './options.js';
import { DEFAULT_DECODE_LIMITS } from './options.js';
import { decodeReferences, normalizeNewlines, xmlError, type XmlSink } from './scanner.js';

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
    // XML-RPC spends about three elements per level of value nesting.
    maxNestedTags: maxDepth * 3 + 16,
  });
}

function textOf(raw: string, doc: string): string {
  if (raw.indexOf(']]>') >= 0) throw xmlError(doc, doc.indexOf(']]>'), '"]]>" is not allowed in text');
  const text = normalizeNewlines(raw);
  // This reader knows no offsets, so reference errors carry no position.
  return text.indexOf('&') < 0 ? text : decodeReferences(text, undefined, 0);
}

/** Reads `doc` with fast-xml-parser and feeds `sink` (iteratively). */
export function readWithFastXmlParser(doc: string, sink: XmlSink, options: DecodeOptions): void {
  if (/<!DOCTYPE/.test(doc)) {
    throw xmlError(doc, doc.indexOf('<!DOCTYPE'), 'a DOCTYPE is refused: XML-RPC needs no DTD, and no entity is ever expanded', 'dtd');
  }
  // fast-xml-parser's validator lets "--" inside comments through; XML 1.0 §2.5 forbids it.
  for (let at = doc.indexOf('<!--'); at >= 0; at = doc.indexOf('<!--', at + 4)) {
    const close = doc.indexOf('--', at + 4);
    if (close >= 0 && doc.charCodeAt(close + 2) !== 62) throw new DecodeError('xml', '"--" is not allowed inside a comment');
    if (close < 0) break;
    at = close;
  }
  const valid = XMLValidator.validate(doc);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new DecodeError('xml', `not well-formed: ${msg}`, '', typeof line === 'number' && typeof col === 'number' ? { offset: -1, line, column: col } : undefined);
  }
  let tree: Node[];
  try {
    tree = parserFor(options.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth).parse(doc) as Node[];
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/nested tags/i.test(message)) {
      throw new DecodeError('limit', 'arrays and structs nested deeper than maxDepth allows', '', undefined, { cause });
    }
    throw new DecodeError('structure', `fast-xml-parser refused the document: ${message}`, '', undefined, { cause });
  }
  let roots = 0;
  for (const node of tree) {
    const key = Object.keys(node)[0];
    if (key === '#text') {
      if (/[^ \t\r\n]/.test(String(node[key]))) throw new DecodeError('xml', 'text outside the root element');
    } else if (key !== undefined && key !== ':@') roots++;
  }
  if (roots === 0) throw new DecodeError('xml', 'no root element: the document is empty');
  if (roots > 1) throw new DecodeError('xml', 'a second root element');

  // Iterative walk: a stack of (children, next index, element name).
  const stack: { nodes: Node[]; index: number; name: string }[] = [{ nodes: tree, index: 0, name: '' }];
  let pending = '';
  const flush = (): void => {
    if (pending !== '') {
      sink.characters(pending, -1);
      pending = '';
    }
  };
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.nodes.length) {
      stack.pop();
      flush();
      if (stack.length > 0) sink.endElement(top.name, -1);
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
        pending += normalizeNewlines(t);
      }
      continue;
    }
    flush();
    sink.startElement(key, -1);
    stack.push({ nodes: node[key] as Node[], index: 0, name: key });
  }
}
