// A bare node:http echo server that burns `node spin-echo.js <ms>` of CPU per request (busy wait)
// before answering: the tail floor of a server as busy per request as ours, with no XML-RPC code.
import http from 'node:http';
const spinMs = Number(process.argv[2]);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const until = performance.now() + spinMs; while (performance.now() < until);
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
