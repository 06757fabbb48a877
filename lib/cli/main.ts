#!/usr/bin/env node
/** The `xmlrpc` executable: wires the process to the CLI and exits with its code. */
import { versionLine } from './version.js';

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

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Answered before the library loads: `--version` is what scripts run to probe for the tool.
  process.stdout.write(versionLine());
} else {
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(argv, {
    output: {
      out: (data) => void process.stdout.write(data),
      err: (text) => void process.stderr.write(text),
    },
    readStdin,
    cwd: process.cwd(),
  });
}
// `serve` stops by itself on SIGINT/SIGTERM; every other command has closed its client by now.
