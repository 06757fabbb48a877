/**
 * The one way a piece of input is quoted in a message: JSON-quoted and cut short, so a hostile
 * peer's megabyte of text never comes back whole in an error, a fault string or a log line.
 */

/** The most characters of input any message quotes. */
export const EXCERPT_CHARS = 40;

/** `text` JSON-quoted; past `max` characters it is cut, and the full length is said. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}

/** `text` unquoted, cut to `max` characters with `…` (for names that need no quoting, such as tag names). */
export function cut(text: string, max = EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
