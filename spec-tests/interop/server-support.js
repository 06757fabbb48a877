// Runs the Python client scripts of fixtures/python against our server, for the server interop tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/python/', import.meta.url));

/**
 * Spawns `python3 fixtures/python/<script> ...args`, which runs its checks and prints one JSON
 * line. Returns { pid, kill, results } where `results` resolves with the parsed JSON when the
 * process exits (rejects with its stderr if it fails), and `kill()` ends it by its PID.
 */
export function runPythonChecks(script, args) {
  const child = spawn('python3', [FIXTURES + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  const results = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}: ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
      } catch (error) {
        reject(new Error(`${script} printed no JSON (${error.message}): ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  return { pid: child.pid, kill, results };
}
