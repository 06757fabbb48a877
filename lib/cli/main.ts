#!/usr/bin/env node
/** The `xmlrpc` executable: wires the process to the CLI and exits with its code. */
import { runCli } from './cli.js';

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

process.exitCode = await runCli(process.argv.slice(2), {
  output: {
    out: (data) => void process.stdout.write(data),
    err: (text) => void process.stderr.write(text),
  },
  readStdin,
  cwd: process.cwd(),
});
// `serve` stops by itself on SIGINT/SIGTERM; every other command has closed its client by now.
