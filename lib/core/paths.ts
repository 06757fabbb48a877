/**
 * The one spelling of a value path in messages: `params[1].items[3].id`. Member names that are
 * not identifiers are JSON-quoted in brackets (`["first name"]`), array indices bracketed.
 */

const IDENTIFIER_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One step of a path; `first` is true for the step that starts it (no leading dot). */
export function pathSegment(key: string | number, first: boolean): string {
  if (typeof key === 'number') return `[${key}]`;
  if (IDENTIFIER_RE.test(key)) return first ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

/** A whole path from its keys, outermost first. */
export function formatPath(keys: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) out += pathSegment(keys[i]!, i === 0);
  return out;
}
