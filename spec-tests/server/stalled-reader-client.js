// The client side of stalled-readers.test.js, in a process of its own so that what its sockets
// buffer does not count as the server's memory:  fork('stalled-reader-client.js', [port, count, requestText])
// It opens `count` connections one after another, sends the request on each and never reads.
// It reports { kind: 'sent', index } after each over IPC, then waits to be stopped by its PID.
import net from 'node:net';

const [port, count] = process.argv.slice(2, 4).map(Number);
const request = process.argv[4];
const sockets = [];

for (let i = 0; i < count; i++) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.pause();
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(request);
  sockets.push(socket);
  process.send({ kind: 'sent', index: i });
  // The parent says when the server has answered this one.
  await new Promise((resolve) => process.once('message', resolve));
}
// Stay, holding the sockets, until stopped.
setInterval(() => {}, 60_000);
