// bench/load/RESULTS.md: one file, a section per load bench (faults.js, scale-out.js). Each bench
// replaces its own section, between markers, and leaves the other as it was.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** The sections, in the order they appear in the file. */
const SECTIONS = ['faults', 'scale-out'];

const HEADER = `# Load bench results

Written by the load benches (both run by \`npm run bench\`); each replaces its own section and
leaves the other alone. The command that produced a section is at its top.
`;

const begin = (name) => `<!-- ${name}: begin -->`;
const end = (name) => `<!-- ${name}: end -->`;

/** Replaces the section `name` of RESULTS.md with `markdown` (creating the file if need be). */
export function writeSection(name, markdown) {
  if (!SECTIONS.includes(name)) throw new RangeError(`unknown section ${name}`);
  let text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : HEADER;
  for (const section of SECTIONS) {
    if (!text.includes(begin(section))) text = `${text.trimEnd()}\n\n${begin(section)}\n(not run yet: \`node bench/load/${section}.js\`)\n${end(section)}\n`;
  }
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name), from);
  text = `${text.slice(0, from)}${begin(name)}\n${markdown.trim()}\n${text.slice(to)}`;
  writeFileSync(RESULTS_FILE, text);
}

/** The machine and the moment, for the line under a section's title. */
export function machineLine(loadAtStart) {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const load = (l) => l.map((x) => x.toFixed(1)).join(' / ');
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; Node ${process.version}; ` +
    `nproc ${os.availableParallelism()} (${cpu}); load average (1/5/15 min) ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end`;
}

/** The note given with --note, as a quoted paragraph (or nothing). */
export function noteLine(note) {
  return note ? `\n> **Note:** ${note}\n` : '';
}
