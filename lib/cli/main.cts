#!/usr/bin/env node
/**
 * The `xmlrpc` executable: wires the process to the CLI and exits with its code. It is CommonJS
 * so that `--version`, what scripts run to probe for the tool, is answered before Node starts its
 * ES module loader (about 6 ms of a 110 ms start on a slow machine); every command loads the CLI,
 * an ES module, with `import()`.
 */
import versionFile = require('./version.cjs');

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (`xmlrpc list URL | head -1`) is not an error of ours.
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function main(argv: readonly string[], version: string): Promise<number> {
  const { runCli } = await import('./cli.js');
  return runCli(argv, {
    output: {
      out: (data) => void process.stdout.write(data),
      err: (text) => void process.stderr.write(text),
    },
    readStdin,
    cwd: process.cwd(),
    version,
  });
}

const argv = process.argv.slice(2);
const version = versionFile.packageVersion();
if (argv[0] === '--version' || argv[0] === '-V') {
  process.stdout.write(versionFile.versionLine(version));
} else {
  // A failure to load the CLI itself (runCli reports every error of a command) is left to Node:
  // it prints the error and exits 1, as a rejected top-level await did before.
  void main(argv, version).then((code) => {
    process.exitCode = code;
  });
}
// `serve` stops by itself on SIGINT/SIGTERM; every other command has closed its client by now.
