// A backend process for the nginx test: an XML-RPC server on 127.0.0.1:0 that prints
// `ready <port>` and answers `whoami` (its pid), `echo`, and `die` (exits mid-call, so the
// proxy sees a backend fail after the request reached it).
import { createServer } from 'xmlrpc-ts';

const server = createServer();
server.addMethod('whoami', () => process.pid);
server.addMethod('echo', (value) => value);
server.addMethod('die', () => process.exit(3));
const { port } = await server.listen(0, '127.0.0.1');
process.stdout.write(`ready ${port}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
