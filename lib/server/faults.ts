/** The mapping from errors to the interoperability faults the server sends (codes: lib/core/fault-codes.ts). */
import { DecodeError, Fault } from '../core/errors.js';
import { FaultCode } from '../core/fault-codes.js';

/** The fault for a request body the codec refused. */
export function faultForDecodeError(error: DecodeError): Fault {
  switch (error.reason) {
    case 'xml':
      if (error.xmlKind === 'encoding') {
        return new Fault(FaultCode.UNSUPPORTED_ENCODING, `parse error: unsupported encoding: ${error.message}`);
      }
      if (error.xmlKind === 'character') {
        return new Fault(FaultCode.INVALID_CHARACTER, `parse error: invalid character: ${error.message}`);
      }
      return new Fault(FaultCode.PARSE_ERROR, `parse error: not well formed: ${error.message}`);
    case 'dtd':
      // A DOCTYPE is well-formed XML, but XML-RPC documents have none and we never read one.
      return new Fault(FaultCode.PARSE_ERROR, `parse error: DOCTYPE not allowed: ${error.message}`);
    case 'structure':
      return new Fault(FaultCode.INVALID_REQUEST, `invalid XML-RPC: ${error.message}`);
    case 'value':
    case 'limit':
      // Values and limits are checked inside <params> (a name too long is a limit as well).
      return new Fault(FaultCode.INVALID_PARAMS, `invalid params: ${error.message}`);
  }
}

/**
 * A thrown value that is a fault: our `Fault`, or any error carrying `faultCode`/`faultString`.
 * Never throws, even for a thrown Proxy or throwing getters.
 */
export function asFault(error: unknown): Fault | undefined {
  try {
    if (error instanceof Fault) return error;
    if (typeof error !== 'object' || error === null) return undefined;
    const { faultCode, faultString } = error as { faultCode?: unknown; faultString?: unknown };
    if ((typeof faultCode === 'number' || typeof faultCode === 'string') && typeof faultString === 'string') {
      return new Fault(faultCode, faultString, { cause: error });
    }
  } catch {
    // Not a fault we can read.
  }
  return undefined;
}

// Characters XML 1.0 cannot carry, raw or as references; lone surrogates included.
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with characters XML cannot carry replaced by U+FFFD, so any message can go out in a fault. */
export function toXmlSafeText(text: string): string {
  return text.replace(XML_ILLEGAL, '\uFFFD');
}

/** A method name from a request, quoted for a fault string or message and cut short: `'calc.add'`. */
export function methodLabel(name: string): string {
  return `'${name.length > 80 ? `${name.slice(0, 80)}…` : name}'`;
}
