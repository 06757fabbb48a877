// Starts the Python servers of fixtures/python for the client interop tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/python/', import.meta.url));

/**
 * Spawns `python3 fixtures/python/<script> ...args` and resolves once it prints its
 * "READY <rest>" line, with `rest` and a `stop()` that kills the process by its PID.
 * Rejects if the process exits or fails before that line.
 */
export function startPython(script, args = []) {
  const child = spawn('python3', [FIXTURES + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 10_000) stderr += chunk;
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const onData = (chunk) => {
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      const line = stdout.slice(0, nl).trim();
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (!line.startsWith('READY ')) {
        stop();
        reject(new Error(`${script} printed ${JSON.stringify(line)} instead of READY`));
        return;
      }
      resolve({ rest: line.slice('READY '.length), pid: child.pid, stop });
    };
    const onExit = (code, signal) => {
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready: ${stderr}`));
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}
