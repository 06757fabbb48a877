/**
 * Profiles our codec on one workload with `node --cpu-prof` and prints the top self-time
 * frames (lib/*.ts lines via source maps). Not part of `npm run bench`; run it before
 * proposing an optimisation:
 *
 *   node bench/codec/profile.js [decode|encode|both] [workload] [seconds]
 *
 * Workloads: small, structs10k (default), base64, deep500, strings50k, and each as `<name>-py`
 * (the same values in the layout of Python's xmlrpc.client.dumps).
 * As a child (`--child`), it runs the operation in a loop for the given time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTop } from './cpuprofile-top.js';

const self = fileURLToPath(import.meta.url);

async function child(op, name, seconds) {
  // Only our codec is loaded, so the profile holds little besides the operation itself.
  const { makeWorkload } = await import('./workloads.js');
  const codec = await import('xmlrpc-ts');
  const w = makeWorkload(name);
  const fn = op === 'decode'
    ? (x) => (x.kind === 'call' ? codec.decodeCall(x.bytes) : codec.decodeResponse(x.bytes))
    : (x) => (x.kind === 'call' ? codec.encodeCall(x.methodName, x.params) : codec.encodeResponse(x.value));
  const until = performance.now() + seconds * 1000;
  let n = 0;
  let sink = 0;
  while (performance.now() < until) {
    const r = fn(w);
    sink += typeof r === 'string' ? r.length : 1;
    n++;
  }
  process.stdout.write(`${n} ${op}s of ${name} (${sink > 0 ? 'ok' : ''})\n`);
}

function profileOne(op, name, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-prof-'));
  try {
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, self, '--child', op, name, String(seconds)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the profiled child failed: ${r.stderr}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('no .cpuprofile was written');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    console.log(`## ${op} ${name}: ${r.stdout.trim()}\n`);
    console.log(formatTop(profile, 15));
    console.log('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], Number(args[3]));
} else {
  const op = args[0] ?? 'both';
  const name = args[1] ?? 'structs10k';
  const seconds = Number(args[2] ?? 4);
  for (const o of op === 'both' ? ['decode', 'encode'] : [op]) profileOne(o, name, seconds);
}
