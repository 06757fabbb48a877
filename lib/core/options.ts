/**
 * Option checking shared by every layer: unknown names are refused with the closest known name
 * suggested (a misspelt `timout` is an error, not a silent default), and values are checked once,
 * where the options are taken. Units are in the names: `…Ms` for durations, `…Bytes` for sizes.
 */
import { OptionError } from './errors.js';
import { excerpt } from './excerpt.js';

/**
 * Refuses an options object that is not an object, or that has a name not in `known`. `owner`
 * names where the options were given (`'Client options'`), for the message.
 */
export function checkOptionNames(owner: string, given: unknown, known: readonly string[]): void {
  if (given === undefined) return;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new OptionError(owner, `${owner} must be an object, not ${describe(given)}`);
  }
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const near = closestName(name, known);
    const hint = near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`;
    throw new OptionError(`${owner}.${name}`, `${owner}: unknown option ${JSON.stringify(name.slice(0, 64))}${hint}`);
  }
}

/** Refuses a value that is not an integer in `[min, max]` (`undefined` passes: the default applies). */
export function checkInteger(owner: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new OptionError(`${owner}.${name}`, `${owner}.${name} must be ${range}, not ${describe(value)}`);
  }
}

/** Refuses a value that is not one of `choices` (`undefined` passes). */
export function checkChoice(owner: string, name: string, value: unknown, choices: readonly unknown[]): void {
  if (value === undefined || choices.includes(value)) return;
  const list = choices.map((c) => JSON.stringify(c)).join(', ');
  throw new OptionError(`${owner}.${name}`, `${owner}.${name} must be one of ${list}, not ${describe(value)}`);
}

/** The known name nearest to `name` by edit distance, when it is near enough to be a likely slip. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase().slice(0, 64);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(lower.length / 3)) + 1;
  for (const candidate of known) {
    // `timeout` for `timeoutMs`: the unit suffix is the usual thing left out.
    const bare = candidate.replace(/(?:Ms|Bytes)$/, '').toLowerCase();
    const distance = Math.min(editDistance(lower, candidate.toLowerCase()), editDistance(lower, bare));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance; both strings are short (option names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** A short description of a value for messages (never the whole of a large input). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return excerpt(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
