// The client side of the 10,000 idle connections test (hostile-server.test.js), in a process of
// its own so that neither end runs out of file descriptors:
//   fork('idle-client.js', [port, idle, silent, requestText])
// It opens `idle` connections in waves of 250, sends one request on each and reads its answer,
// leaving it idle on keep-alive; then `silent` connections that never send a byte. Waves wait for
// their answers (or connects): a burst beyond the listen backlog is dropped by the kernel.
// It reports to its parent over IPC, then waits to be stopped by its PID:
//   { kind: 'open', ms }   every connection is open (each idle one had its answer)
//   { kind: 'closed', idle: { statuses: n }, silent: { statuses: n }, ms }   the server closed them all
//   { kind: 'error', message }   a connection could not be made
import net from 'node:net';

const [port, idleCount, silentCount] = process.argv.slice(2, 5).map(Number);
const request = process.argv[5];
const WAVE = 250;
const started = performance.now();

/** One connection: `ready` once connected (and, with a request, answered); `closed` with its statuses. */
function connection(send) {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  let answered;
  const ready = new Promise((resolve, reject) => {
    answered = resolve;
    socket.once('connect', () => {
      if (send) socket.write(request);
      else resolve();
    });
    socket.once('error', reject);
  });
  const closed = new Promise((resolve) => {
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (whole(text)) answered();
    });
    // The server ends the connection; a reset then is the same outcome.
    socket.on('error', () => {});
    socket.once('close', () => {
      answered();
      resolve([...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]).join(',') || 'none');
    });
  });
  return { ready, closed };
}

/** True once `text` holds a complete response (headers and Content-Length bytes). */
function whole(text) {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  return length === null || text.length - end - 4 >= Number(length[1]);
}

async function openInWaves(count, send) {
  const all = [];
  for (let opened = 0; opened < count; opened += WAVE) {
    const wave = Array.from({ length: Math.min(WAVE, count - opened) }, () => connection(send));
    all.push(...wave);
    await Promise.all(wave.map((c) => c.ready));
  }
  return all;
}

function tally(statuses) {
  const counts = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

try {
  const idle = await openInWaves(idleCount, true);
  const silent = await openInWaves(silentCount, false);
  process.send({ kind: 'open', ms: performance.now() - started });
  const idleStatuses = await Promise.all(idle.map((c) => c.closed));
  const silentStatuses = await Promise.all(silent.map((c) => c.closed));
  process.send({ kind: 'closed', idle: tally(idleStatuses), silent: tally(silentStatuses), ms: performance.now() - started });
} catch (error) {
  process.send({ kind: 'error', message: `${error.code ?? ''} ${error.message}` });
}
// The IPC channel keeps the process alive until the test stops it.
