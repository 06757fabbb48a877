// Multi-process serving with node:cluster: one XML-RPC server per worker process, all on one port.
// The server has no `workers` option on purpose: node:cluster already does the job, and the
// recipe below is all it takes (docs/security.md, "Scale-out").
//
//   node examples/cluster/server.js [--workers 2] [--port 8080] [--host 127.0.0.1]
//
// The primary forks the workers, prints `ready <port> <workers>` once all listen, restarts a worker
// that dies (at most `--max-restarts` times), and on SIGTERM/SIGINT lets every worker finish its
// calls in flight (server.close()) before exiting.
import cluster from 'node:cluster';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createServer, currentCall } from 'xmlrpc-ts';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: String(os.availableParallelism()) },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-restarts': { type: 'string', default: '10' },
  },
});

if (cluster.isPrimary) {
  const workers = Number(args.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`--workers must be a positive integer, got ${args.workers}`);
  let restarts = Number(args['max-restarts']);
  let stopping = false;
  let listening = 0;
  let alive = 0; // counted here rather than read from cluster.workers, whose update order is not documented

  // Every worker asks for the same address; the primary holds the one listening socket and hands
  // out connections round-robin (even for port 0, which becomes one free port shared by all).
  const fork = () => {
    alive++;
    return cluster.fork({ XMLRPC_PORT: args.port });
  };
  cluster.on('listening', (worker, address) => {
    if (++listening === workers) console.log(`ready ${address.port} ${workers}`);
    else if (listening > workers) console.log(`worker ${worker.process.pid} listening`);
  });
  cluster.on('exit', (worker, code, signal) => {
    alive--;
    if (stopping) {
      if (alive === 0) process.exit(0);
      return;
    }
    console.error(`worker ${worker.process.pid} exited (${signal ?? code})`);
    if (restarts-- > 0) fork();
    else {
      console.error('too many restarts; stopping');
      process.exit(1);
    }
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send('shutdown');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let i = 0; i < workers; i++) fork();
} else {
  const server = createServer();
  server.addMethod('echo', (value) => value, { help: 'Returns its argument.' });
  server.addMethod('whoami', () => ({ pid: process.pid, path: currentCall().path }), { help: 'The serving process.' });
  await server.listen(Number(process.env.XMLRPC_PORT), args.host);
  process.on('message', async (message) => {
    if (message !== 'shutdown') return;
    await server.close(); // calls in flight finish first (closeTimeoutMs)
    process.exit(0);
  });
  // The primary handles the signals; a worker ignores a terminal's Ctrl-C sent to the process group.
  process.on('SIGINT', () => {});
}
