/**
 * What the tracing channels cost. Two measures, medians of several runs:
 *
 * 1. traceCall itself, in process, around an already resolved promise: bypassed (the call alone),
 *    through traceCall with no subscriber, and with a subscriber on every event.
 * 2. Echo calls through our Client and server on 127.0.0.1 (sequential, one connection), each run
 *    in a fresh child process: the current build with no subscriber and with a subscriber on both
 *    channels, and, with `--baseline REV`, the build of that git revision (say, the commit before
 *    tracing was wired in) with no subscriber. The runs of the configurations are interleaved so
 *    that a noisy neighbour hits them alike.
 *
 *   node bench/tracing/overhead.js [--baseline REV] [--current REV] [--runs 7] [--calls 4000]
 *
 * "current" is the repository's dist/ (run `npm run build` first) unless --current names a
 * revision; revisions are built from `git archive` into a temporary directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { tracingChannel } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHANNELS = ['xmlrpc-ts:client:call', 'xmlrpc-ts:server:call'];
const CHILD_LIMIT_MS = 120_000;

/** Subscribes a handler that does nothing to every event of both channels. */
function subscribeAll() {
  const noop = () => {};
  const handlers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
  for (const name of CHANNELS) tracingChannel(name).subscribe(handlers);
  return () => {
    for (const name of CHANNELS) tracingChannel(name).unsubscribe(handlers);
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Child: `--child DIST MODE CALLS` prints the calls per second of sequential echo calls. */
async function child(dist, mode, calls) {
  const { Client, createServer } = await import(pathToFileURL(join(dist, 'index.js')).href);
  if (mode === 'subscriber') subscribeAll();
  const server = createServer();
  server.addMethod('echo', (value) => value);
  const { port } = await server.listen(0, '127.0.0.1');
  const client = new Client(`http://127.0.0.1:${port}/RPC2`);
  const payload = { id: 7, name: 'tracing', tags: ['a', 'b'] };
  try {
    for (let i = 0; i < 500; i++) await client.call('echo', [payload]); // warm-up
    const started = performance.now();
    for (let i = 0; i < calls; i++) await client.call('echo', [payload]);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ callsPerSecond: calls / seconds })}\n`);
  } finally {
    await client.close();
    await server.close();
  }
}

/** Runs one child measurement; resolves with calls per second. */
function measure(dist, mode, calls) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', dist, mode, String(calls)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the ${mode} run on ${dist} ended with ${code ?? signal}`));
      else resolve(JSON.parse(out).callsPerSecond);
    });
  });
}

/** Builds a git revision into a temporary directory; returns { dist, remove }. */
function buildRevision(revision) {
  const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-ts-bench-'));
  execFileSync('sh', ['-c', `git archive "$1" | tar -x -C "$2"`, 'sh', revision, dir], { cwd: ROOT, stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
  return { dist: join(dir, 'dist'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** In process: operations per second of `run` over `count` awaited calls. */
async function rate(count, run) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await run();
  return count / ((performance.now() - started) / 1000);
}

async function traceCallFigures(dist, runs) {
  const { traceCall } = await import(pathToFileURL(join(dist, 'core', 'tracing.js')).href);
  const call = () => Promise.resolve(1);
  const count = 200_000;
  const configurations = {
    bypassed: () => call(),
    'traceCall, no subscriber': () => traceCall('client', 'echo', 1, 'http://127.0.0.1/RPC2', call),
    'traceCall, a subscriber': () => traceCall('client', 'echo', 1, 'http://127.0.0.1/RPC2', call),
  };
  const results = Object.fromEntries(Object.keys(configurations).map((name) => [name, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, run] of Object.entries(configurations)) {
      const unsubscribe = name.endsWith('a subscriber') ? subscribeAll() : () => {};
      await rate(20_000, run); // warm-up
      results[name].push(await rate(count, run));
      unsubscribe();
    }
  }
  return Object.fromEntries(Object.entries(results).map(([name, values]) => [name, median(values)]));
}

async function main() {
  const { values } = parseArgs({
    options: { baseline: { type: 'string' }, current: { type: 'string' }, runs: { type: 'string', default: '7' }, calls: { type: 'string', default: '4000' } },
  });
  const runs = Number(values.runs);
  const calls = Number(values.calls);
  const builds = [];
  try {
    const current = values.current === undefined ? { dist: join(ROOT, 'dist') } : buildRevision(values.current);
    builds.push(current);
    const baseline = values.baseline === undefined ? undefined : buildRevision(values.baseline);
    if (baseline !== undefined) builds.push(baseline);

    console.log(`traceCall around a resolved promise (median of ${runs} runs, calls/s):`);
    for (const [name, value] of Object.entries(await traceCallFigures(current.dist, runs))) console.log(`  ${name.padEnd(28)} ${Math.round(value).toLocaleString('en')}`);

    const configurations = [
      ['current, no subscriber', current.dist, 'none'],
      ['current, a subscriber', current.dist, 'subscriber'],
      ...(baseline === undefined ? [] : [[`baseline ${values.baseline}, no subscriber`, baseline.dist, 'none']]),
    ];
    const results = new Map(configurations.map(([name]) => [name, []]));
    for (let r = 0; r < runs; r++) {
      for (const [name, dist, mode] of configurations) results.get(name).push(await measure(dist, mode, calls));
    }
    console.log(`echo calls through Client and server on 127.0.0.1 (${calls} sequential calls a run, median of ${runs} runs, calls/s; min-max):`);
    for (const [name, rates] of results) {
      const sorted = [...rates].sort((a, b) => a - b);
      console.log(`  ${name.padEnd(40)} ${Math.round(median(rates)).toLocaleString('en')} (${Math.round(sorted[0])}-${Math.round(sorted.at(-1))})`);
    }
  } finally {
    for (const build of builds) build.remove?.();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]));
else await main();
