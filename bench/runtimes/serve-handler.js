/**
 * The server of the fetch handler bench, in whatever runtime runs it (Node, Deno or Bun):
 * `handler` serves createFetchHandler with one method (`echo`); `bare` serves a plain Web handler
 * that reads the request body and answers the same XML-RPC response as fixed bytes (the
 * runtime's floor). Both go through the same adapter. Prints "READY <port>".
 *   <runtime> bench/runtimes/serve-handler.js handler|bare [<dist directory>]
 */
const [mode, distArg] = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
if (mode !== 'handler' && mode !== 'bare') throw new Error('usage: serve-handler.js handler|bare [dist]');
// Another build's dist/ (an A/B against the code before a change) under the same adapter.
const dist = distArg === undefined ? new URL('../../dist/', import.meta.url) : new URL(`file://${distArg.replace(/\/?$/, '/')}`);
const { XmlRpcDispatcher, createFetchHandler } = await import(new URL('server/fetch/index.js', dist).href);
const { encodeResponse } = await import(new URL('codec/index.js', dist).href);

const PAYLOAD = { name: 'bench', id: 42, tags: ['a', 'b', 'c'], ok: true };
const fixed = new TextEncoder().encode(encodeResponse(PAYLOAD));
const dispatcher = new XmlRpcDispatcher();
dispatcher.addMethod('echo', (value) => value);
const handler = mode === 'handler'
  ? createFetchHandler(dispatcher)
  : async (request) => {
    await request.arrayBuffer();
    return new Response(fixed, { headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
  };

if (typeof Deno !== 'undefined') {
  Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`READY ${port}`) }, handler);
} else if (typeof Bun !== 'undefined') {
  console.log(`READY ${Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler }).port}`);
} else {
  // Node has no Web server of its own: the smallest node:http → Request → Response adapter,
  // the same for both modes.
  const { createServer } = await import('node:http');
  const { Readable } = await import('node:stream');
  const server = createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body: Readable.toWeb(req), duplex: 'half' });
    const response = await handler(request);
    const body = new Uint8Array(await response.arrayBuffer());
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': body.byteLength });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
}
