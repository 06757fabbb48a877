/**
 * Prints the top self-time frames of a V8 .cpuprofile (as written by `node --cpu-prof`).
 * Frames in dist/ are mapped back to lib/*.ts lines through the emitted source maps.
 *
 *   node bench/codec/cpuprofile-top.js FILE.cpuprofile [N]
 */
import { readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const maps = new Map();

function sourceMapFor(file) {
  if (!maps.has(file)) {
    let map = null;
    const mapFile = file + '.map';
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** `lib/codec/scanner.ts:212` for our frames, `pkg/file.js:10` for others, the name for V8's own. */
function where(callFrame) {
  const { url, lineNumber, columnNumber } = callFrame;
  if (!url) return '';
  if (!url.startsWith('file:')) return `${url}:${lineNumber + 1}`;
  const file = fileURLToPath(url);
  const map = sourceMapFor(file);
  if (map !== null) {
    const e = map.findEntry(lineNumber, columnNumber);
    if (e && e.originalSource) {
      const src = e.originalSource.startsWith('file:') ? fileURLToPath(e.originalSource) : resolve(dirname(file), e.originalSource);
      return `${relative(repoRoot, src)}:${e.originalLine + 1}`;
    }
  }
  const rel = relative(repoRoot, file);
  const nm = rel.lastIndexOf('node_modules/');
  return `${nm >= 0 ? rel.slice(nm + 13) : rel}:${lineNumber + 1}`;
}

/**
 * Self time per function (merged across call sites), largest first.
 * @returns {{ totalMs: number, frames: { name: string, where: string, selfMs: number, share: number }[] }}
 */
export function topFrames(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (node === undefined) continue;
    total += dt;
    const cf = node.callFrame;
    const key = `${cf.functionName}|${cf.url}|${cf.lineNumber}|${cf.columnNumber}`;
    const entry = self.get(key) ?? { cf, ms: 0 };
    entry.ms += dt;
    self.set(key, entry);
  }
  const frames = [...self.values()]
    .sort((a, b) => b.ms - a.ms)
    .map(({ cf, ms }) => ({ name: cf.functionName || '(anonymous)', where: where(cf), selfMs: ms, share: total > 0 ? ms / total : 0 }));
  return { totalMs: total, frames };
}

/** The top `n` frames as a markdown table. */
export function formatTop(profile, n = 15) {
  const { totalMs, frames } = topFrames(profile);
  const lines = [`| self ms | share | function | where |`, `|---:|---:|---|---|`];
  for (const f of frames.slice(0, n)) {
    lines.push(`| ${f.selfMs.toFixed(0)} | ${(f.share * 100).toFixed(1)} % | ${f.name} | ${f.where} |`);
  }
  return `${lines.join('\n')}\n\n(total sampled ${totalMs.toFixed(0)} ms)`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error(`usage: node ${basename(process.argv[1])} FILE.cpuprofile [N]`);
    process.exit(2);
  }
  console.log(formatTop(JSON.parse(readFileSync(file, 'utf8')), Number(process.argv[3] ?? 15)));
}
