// Helpers of the observability tests.
import { createServer as createNetServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago and has no listener now. */
export async function closedPort() {
  const probe = createNetServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
