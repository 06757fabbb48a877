/**
 * The request log of `xmlrpc serve`, one line a request as Python's server writes them: the
 * client, the time, the request line, the status, the methods run and how long it took.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { XmlRpcServer, type MethodHandler, type MethodOptions } from '../server/index.js';

/** Requests being answered: what each one called, for its log line. */
const requestLog = new AsyncLocalStorage<{ methods: string[] }>();

/** A server whose methods note their names in the request log as they run. */
export class LoggedServer extends XmlRpcServer {
  /** Registers the method so that, when it runs, its name goes into the request's log line. */
  override addMethod(name: string, handler: MethodHandler, options?: MethodOptions): this {
    const noted = function (this: unknown, ...params: unknown[]): unknown {
      requestLog.getStore()?.methods.push(name);
      return (handler as (...args: unknown[]) => unknown).apply(this, params);
    };
    return super.addMethod(name, noted as MethodHandler, options);
  }
}

/**
 * Logs each request on `log` once it is answered, like Python's server:
 * `127.0.0.1 [2026-12-04 16:45:30] "POST /RPC2 HTTP/1.1" 200 add 1.2 ms`.
 */
export function logRequests(httpServer: HttpServer, log: (line: string) => void): void {
  for (const event of ['request', 'checkContinue'] as const) {
    for (const listener of httpServer.listeners(event) as Array<(request: IncomingMessage, response: ServerResponse) => void>) {
      httpServer.off(event, listener);
      httpServer.on(event, (request: IncomingMessage, response: ServerResponse) => {
        const started = performance.now();
        const entry = { methods: [] as string[] };
        const done = (): void => {
          response.off('finish', done);
          response.off('close', done);
          const ms = (performance.now() - started).toFixed(1);
          const time = new Date().toISOString().slice(0, 19).replace('T', ' ');
          const methods = entry.methods.length === 0 ? '-' : entry.methods.join(' ');
          const line = `${request.method ?? '?'} ${request.url ?? '?'} HTTP/${request.httpVersion}`;
          const status = response.writableFinished ? String(response.statusCode) : `${response.statusCode} (connection closed)`;
          log(`${request.socket.remoteAddress ?? '-'} [${time}] ${JSON.stringify(line)} ${status} ${methods} ${ms} ms\n`);
        };
        response.on('finish', done);
        response.on('close', done);
        // enterWith, not run: the body arrives in later events of this connection, and the call
        // runs from those; the next request on the connection enters its own entry.
        requestLog.enterWith(entry);
        listener.call(httpServer, request, response);
      });
    }
  }
}
