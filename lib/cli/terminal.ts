/**
 * Text made safe for a terminal. Whatever the CLI prints passes through {@link terminalSafe} on
 * its way out (see {@link safeOutput}), because much of it came from the network: error pages,
 * reason phrases, fault strings, values, struct keys, traced bodies. A hostile server could
 * otherwise retitle the terminal (`ESC ] 0 ; … BEL`), move the cursor, or reorder what the user
 * reads with bidirectional overrides.
 */
import type { Output } from './output.js';

/**
 * The characters a terminal acts on instead of showing: C0 controls except tab and line feed,
 * a carriage return not followed by a line feed (it would let text overwrite the line), DEL,
 * C1 controls (U+0080–U+009F, U+009B is a one-character CSI), and the bidirectional marks,
 * embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
 * One character class per match: linear time.
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * `text` with every terminal control shown as a `\uXXXX` escape. Inside JSON text (where
 * `JSON.stringify` already escaped C0 controls) those characters can only sit in strings, so the
 * result is still valid JSON with the same meaning.
 */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Bytes made safe the same way: UTF-8 text through {@link terminalSafe}; anything else (a body in
 * another encoding) byte by byte, C0 controls, DEL and 0x80–0x9F shown as `\xHH`.
 */
export function terminalSafeBytes(bytes: Uint8Array): Uint8Array {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const out: number[] = [];
    for (const b of bytes) {
      if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || (b >= 0x7f && b <= 0x9f)) {
        for (const c of '\\x' + b.toString(16).padStart(2, '0')) out.push(c.charCodeAt(0));
      } else out.push(b);
    }
    return Uint8Array.from(out);
  }
  const safe = terminalSafe(text);
  return safe === text ? bytes : encoder.encode(safe);
}

/**
 * An {@link Output} that makes all text written through it safe for a terminal. Bytes pass as
 * they are: they are documents the CLI made itself (`encode`), or network bodies a command has
 * already passed through {@link terminalSafeBytes} (`--xml`).
 */
export function safeOutput(output: Output): Output {
  return {
    out: (data) => output.out(typeof data === 'string' ? terminalSafe(data) : data),
    err: (text) => output.err(terminalSafe(text)),
  };
}
