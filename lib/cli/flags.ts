/**
 * The command line itself: options (`--name value`, `--name=value`, short aliases, repeated
 * options) and positionals, and the usage error every mistake becomes (exit code 2).
 */

/** A mistake on the command line: exit code 2, with the message and optional extra lines. */
export class UsageError extends Error {
  constructor(message: string, readonly details: readonly string[] = []) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option a command accepts. */
export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  /** A one-letter alias, without `-`. */
  short?: string;
  /** The placeholder of its value (`URL`, `K: V`); absent for a flag. */
  value?: string;
  /** May be given more than once (the values are kept in order). */
  repeat?: boolean;
  /** One line of help. */
  help: string;
}

/** Options and positionals as found. */
export interface CommandLine {
  /** The flags given, by long name. */
  readonly flags: ReadonlySet<string>;
  /** The values of valued options, by long name, in the order given. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

/**
 * Splits `argv` into options and positionals. Options may come anywhere; `--` ends them.
 * A word starting with one `-` is an option only when it is a known short alias, so negative
 * numbers (`-5`) and `-` (stdin) stay positionals.
 */
export function parseCommandLine(argv: readonly string[], specs: readonly OptionSpec[]): CommandLine {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let shown = word;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      if (eq >= 0) inline = word.slice(eq + 1);
      shown = '--' + name;
      spec = byName.get(name);
      if (spec === undefined) throw new UsageError(`unknown option ${shown}${suggest(name, [...byName.keys()])}`);
    } else if (/^-[A-Za-z]$/.test(word)) {
      spec = byShort.get(word.slice(1));
      if (spec === undefined) throw new UsageError(`unknown option ${word}`);
    } else {
      positionals.push(word);
      continue;
    }
    if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`option ${shown} takes no value`);
      flags.add(spec.name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option ${shown} needs a value (${spec.value})`);
      value = argv[++i] as string;
    }
    const list = values.get(spec.name) ?? [];
    if (list.length > 0 && spec.repeat !== true) throw new UsageError(`option ${shown} was given twice`);
    list.push(value);
    values.set(spec.name, list);
  }
  return { flags, values, positionals };
}

/** The single value of an option, or `undefined`. */
export function optionValue(line: CommandLine, name: string): string | undefined {
  return line.values.get(name)?.[0];
}

/** ` (did you mean --x?)` when one candidate is close to `name`, else `""`. */
export function suggest(name: string, candidates: readonly string[], prefix = '--'): string {
  const best = nearestName(name, candidates, 2);
  return best === undefined ? '' : ` (did you mean ${prefix}${best}?)`;
}

/**
 * The candidate closest to `name` (case-insensitive) if at most `maxDistance` edits away,
 * counting an insertion, a deletion, a substitution or a swap of neighbours as one edit.
 */
export function nearestName(name: string, candidates: readonly string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** The optimal-string-alignment distance (Levenshtein plus transpositions), capped for long pairs. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
      row[j] = d;
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] as number;
}

/** Help text for a list of options, aligned. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => `${s.short === undefined ? '    ' : `-${s.short}, `}--${s.name}${s.value === undefined ? '' : ` ${s.value}`}`);
  const width = Math.max(...heads.map((h) => h.length));
  return specs.map((s, i) => `  ${(heads[i] as string).padEnd(width)}  ${s.help}`).join('\n');
}
