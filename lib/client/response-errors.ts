/**
 * The client's handling of the responses that are not a plain 200 XML-RPC body: inflating a
 * compressed one, and the typed errors of a bad status or a body that is not XML-RPC. Loaded on
 * the first such response, so a browser bundle carries it only as a chunk loaded on demand.
 */
import { AbortError, DecodeError, HttpError, NetworkError, TimeoutError } from '../core/errors.js';
import { errorCode, networkFailureMessage, statusMessage, summarizeBody } from './failure-prose.js';
import type { TransportResponse } from './transport.js';

/**
 * The start of a body as text in the charset of its Content-Type (error-prose.ts's
 * `bodyExcerpt`, passed in: importing the client's own modules here would split them out of
 * its main chunk in a browser bundle).
 */
export type Excerpt = (body: Uint8Array, contentType: string | undefined) => string;

/** A 200 response with its body inflated, as the client decodes it. */
export interface InflatedResponse {
  /** Response headers, one string each. */
  headers: Record<string, string>;
  /** The body, inflated. */
  body: Uint8Array;
}

/**
 * Inflates the body under `max` bytes; a non-200 status becomes an {@link HttpError} showing
 * the start of the (inflated, when it inflates) body. `headers` are the response's, flattened.
 */
export async function inflateResponse(
  response: TransportResponse, headers: Record<string, string>, max: number, display: string, excerpt: Excerpt,
): Promise<InflatedResponse> {
  const coding = headers['content-encoding'] ?? '';
  // The (de)compression module is a chunk of its own in a browser bundle, shared with request gzip.
  const { CompressionError, inflateBody } = await import('../core/compression.js');
  if (response.status !== 200) {
    let shown = response.body;
    try {
      shown = await inflateBody(response.body, coding, max, { partial: true });
    } catch {
      // Show what arrived, even if it does not inflate.
    }
    throw httpStatusError(response.status, response.statusText ?? '', headers, excerpt(shown, headers['content-type']), display);
  }
  try {
    return { headers, body: await inflateBody(response.body, coding, max) };
  } catch (error) {
    if (error instanceof CompressionError && error.reason === 'limit') {
      throw new DecodeError('limit', `inflated response body is larger than maxResponseBytes, ${max} bytes`, '', undefined, { cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new HttpError(`Could not inflate the ${coding} response from ${display}: ${detail}`, 200, headers, '', { cause: error });
  }
}

/** An {@link HttpError} for a non-200 status, with a message a person can act on. */
function httpStatusError(status: number, statusText: string, headers: Record<string, string>, text: string, display: string): HttpError {
  return new HttpError(statusMessage(status, statusText, headers, text, display), status, headers, text);
}

/**
 * The {@link HttpError} for a 200 body that failed to decode and is plainly not XML-RPC (a
 * non-XML media type, or an HTML page), naming what came instead; undefined for any other body.
 */
export function notXmlRpcError(
  cause: DecodeError, body: Uint8Array, headers: Record<string, string>, display: string, excerpt: Excerpt,
): HttpError | undefined {
  const contentType = headers['content-type'];
  const head = new TextDecoder('latin1').decode(body.subarray(0, 512)).trimStart().toLowerCase();
  const isHtml = head.startsWith('<!doctype html') || head.startsWith('<html');
  if (!isHtml && (contentType === undefined || /xml/i.test(contentType))) return undefined;
  const text = excerpt(body, contentType);
  const gist = summarizeBody(text, contentType);
  return new HttpError(
    `Expected an XML-RPC response from ${display}, got ${contentType ?? 'a body without Content-Type'}` +
      (gist === '' ? '' : `: ${gist}`),
    200, headers, text, { cause },
  );
}

/**
 * Maps a failed fetch (a `TypeError` with the cause, or the abort reason) to our typed error:
 * the phase or deadline `TimeoutError`, an `AbortError` for the caller's signal, else a `NetworkError`.
 */
export function fetchError(error: unknown, callSignal: AbortSignal | undefined, phaseSignal: AbortSignal, display: string): Error {
  if (phaseSignal.aborted && phaseSignal.reason instanceof TimeoutError) return phaseSignal.reason;
  if (callSignal?.aborted === true) return new AbortError('XML-RPC call aborted', { cause: callSignal.reason });
  if (error instanceof NetworkError || error instanceof DecodeError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = errorCode(cause) || errorCode(error);
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return new NetworkError(networkFailureMessage(code, detail, display), { cause: error });
}
