/**
 * The docs page's try-it forms, run in the browser. The arguments are read by the command line's
 * own readers (a JSON array, or one typed argument per line), the call is written and the answer
 * read by the codec, and the result is shown in the command line's JSON form: the page and the
 * tools cannot disagree on what a value means. Everything shown goes through textContent.
 *
 * Bundled (minified) by build/docs-page.mjs into the page's one inline script.
 */
import { parseArgument, type ArgumentSources } from '../../../cli/args.js';
import { UsageError } from '../../../cli/flags.js';
import { jsonParams, valueToJson } from '../../../cli/json.js';
import { readReceivedDouble } from '../../../cli/lexical.js';
import { decodeResponse } from '../../../codec/decode.js';
import { encodeCall } from '../../../codec/encode.js';
import type { DecodeOptions } from '../../../codec/options.js';
import { DecodeError, EncodeError, Fault } from '../../../core/errors.js';
import type { XmlRpcValue } from '../../../core/values.js';

/** The most characters of a value or body the page shows. */
const SHOW_LIMIT = 200_000;

/**
 * Decoded as the command line decodes (its CLI_DECODE_OPTIONS, which sits in a Node-only module):
 * values as sent, so `<double>2.0</double>` shows as `2.0` and date-times as written.
 */
const DECODE_AS_CLI: DecodeOptions = { dateTime: 'lossless', scalars: { double: readReceivedDouble } };

/** `@FILE` and `-` name local files and standard input, which a web page cannot read. */
const NO_FILES: ArgumentSources = {
  file(): Uint8Array {
    throw new Error('a web page cannot read files; use base64/ or h/');
  },
  stdin(): Uint8Array {
    throw new UsageError('"-" (standard input) cannot be read from a web page; use base64/ or h/');
  },
};

/** The text of a form's box as call parameters: a JSON array, typed lines, or nothing. */
function readArguments(text: string): XmlRpcValue[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) return jsonParams(trimmed, 'arguments');
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line, i) => parseArgument(line, { inferTypes: true, sources: NO_FILES }, i + 1));
}

/** A usage error with its caret lines, as the command line prints it. */
function describeInputError(error: Error): string {
  const details = error instanceof UsageError ? error.details : [];
  return [error.message, ...details].join('\n');
}

function element(name: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(name);
  if (className !== '') node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clip(text: string): string {
  return text.length <= SHOW_LIMIT ? text : `${text.slice(0, SHOW_LIMIT)}\n... (${text.length - SHOW_LIMIT} more characters)`;
}

function disclosure(summary: string, text: string, className: string): HTMLElement {
  const node = element('details', className);
  node.append(element('summary', '', summary), element('pre', '', clip(text)));
  return node;
}

type OutcomeState = 'ok' | 'fault' | 'error' | 'pending';

/** Replaces what the form's outcome box shows. */
function report(out: HTMLElement, state: OutcomeState, status: string, text?: string, request?: string, response?: string): void {
  const parts = [element('p', 'status', status)];
  if (text !== undefined) parts.push(element('pre', 'value', clip(text)));
  if (request !== undefined) parts.push(disclosure('Request XML', request, 'request'));
  if (response !== undefined) parts.push(disclosure('Response', response, 'response'));
  out.replaceChildren(...parts);
  out.dataset['state'] = state;
}

/** Reads the form, makes the call to the page's own URL, and shows what came back. */
async function call(form: HTMLFormElement, out: HTMLElement, button: HTMLButtonElement, box: HTMLTextAreaElement): Promise<void> {
  const methodName = form.dataset['method'] ?? '';
  let body: string;
  try {
    body = encodeCall(methodName, readArguments(box.value));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof EncodeError)) throw error;
    report(out, 'error', 'Bad arguments', describeInputError(error));
    return;
  }
  report(out, 'pending', `Calling ${methodName}...`, undefined, body);
  button.disabled = true;
  const started = performance.now();
  try {
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await fetch(location.pathname + location.search, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml' },
        body,
        credentials: 'same-origin',
        cache: 'no-store',
      });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      report(out, 'error', 'Network error', error instanceof Error ? error.message : String(error), body);
      return;
    }
    const ms = Math.round(performance.now() - started);
    const text = new TextDecoder().decode(bytes);
    const shown = `HTTP ${response.status} ${response.statusText}\nContent-Type: ${response.headers.get('content-type') ?? ''}\n\n${text}`;
    if (response.status !== 200) {
      report(out, 'error', `HTTP ${response.status} ${response.statusText}`, text, body, shown);
      return;
    }
    try {
      report(out, 'ok', `Result (${ms} ms)`, valueToJson(decodeResponse(bytes, DECODE_AS_CLI)), body, shown);
    } catch (error) {
      if (error instanceof Fault) {
        report(out, 'fault', `Fault ${error.faultCode} (${ms} ms)`, `Fault ${error.faultCode}: ${error.faultString}`, body, shown);
      } else if (error instanceof DecodeError) {
        report(out, 'error', `Not an XML-RPC response: ${error.message}`, undefined, body, shown);
      } else {
        throw error;
      }
    }
  } finally {
    button.disabled = false;
  }
}

/** Shows what needs the script, and wires each form. */
function start(): void {
  for (const node of document.querySelectorAll<HTMLElement>('[data-needs-script]')) node.hidden = false;
  for (const form of document.querySelectorAll<HTMLFormElement>('form.try')) {
    const out = form.querySelector<HTMLElement>('.outcome');
    const button = form.querySelector<HTMLButtonElement>('button');
    const box = form.querySelector<HTMLTextAreaElement>('textarea');
    if (out === null || button === null || box === null) continue;
    form.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      call(form, out, button, box).catch((error: unknown) => {
        report(out, 'error', 'Error in this page', error instanceof Error ? (error.stack ?? error.message) : String(error));
      });
    });
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
}

start();
