#!/usr/bin/env python3
"""The Python peer of the server bench: SimpleXMLRPCServer with ThreadingMixIn, HTTP/1.1
(keep-alive), one `echo` method. Prints "READY <port>" once it listens."""

import os
import sys
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class Handler(SimpleXMLRPCRequestHandler):
    protocol_version = "HTTP/1.1"
    rpc_paths = ("/", "/RPC2")


class Server(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connections when 64 arrive at once

    def handle_error(self, request, client_address):
        pass  # wrk closing its connections at the end of a run is not an error


# SERVER_BENCH_HOST: the address to listen on (bench/server/run.js sets it for every peer).
server = Server((os.environ.get("SERVER_BENCH_HOST", "127.0.0.1"), 0), requestHandler=Handler, logRequests=False, allow_none=True, use_builtin_types=True)
server.register_function(lambda x: x, "echo")
print("READY", server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
