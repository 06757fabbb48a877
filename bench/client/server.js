// The bench's server: bare node:http answering a fixed XML-RPC response per path (/small,
// /medium) after reading the request. Run as a child process; prints "READY <port>".
import http from 'node:http';
import { encodeResponse } from 'xmlrpc-ts';
import { medium, small } from './payloads.js';

const bodies = {
  '/small': Buffer.from(encodeResponse(small)),
  '/medium': Buffer.from(encodeResponse(medium)),
};

const server = http.createServer((req, res) => {
  const body = bodies[req.url];
  req.on('data', () => {});
  req.on('end', () => {
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
