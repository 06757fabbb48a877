/**
 * Which socket each request went out on, and when it was handed over whole, from undici's
 * diagnostics channels: the facts the stale-connection retry needs (a request is sent again only
 * when it went out on a reused keep-alive connection and the server cannot have seen all of it).
 * The channels are subscribed on first use, never at import.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** What an exchange learns about the socket its request was written to. */
export interface SocketUse {
  /** Called as undici starts writing the request on `socket`; `reused` if it carried one before. */
  onSocket(socket: Socket, reused: boolean): void;
  /** Called once undici has handed the whole request (head and body) to the socket. */
  onRequestHandedOver(): void;
}

/** The exchange whose request undici is about to write (dispatch is synchronous up to there). */
let starting: SocketUse | null = null;
const kUsedByClient = Symbol('xmlrpc-ts.used');
/** Our exchange of each undici request being written, until undici reports the request sent. */
const useOfRequest = new WeakMap<object, SocketUse>();
let subscribed = false;

/** Marks `use` as the exchange whose request undici writes next (null to clear it). */
export function expectSocketFor(use: SocketUse | null): void {
  subscribeOnce();
  starting = use;
}

/** Clears the mark if it is still `use`'s. */
export function forgetSocketFor(use: SocketUse): void {
  if (starting === use) starting = null;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  // undici announces each request's socket just before writing it; a socket that already carried
  // a request is a reused keep-alive connection (the only case where a retry can be safe).
  diagnosticsChannel.subscribe('undici:client:sendHeaders', (message) => {
    const use = starting;
    if (use === null) return;
    starting = null;
    const { socket, request } = message as { socket?: Socket & { [kUsedByClient]?: boolean }; request?: object };
    if (socket === undefined) return;
    use.onSocket(socket, socket[kUsedByClient] === true);
    socket[kUsedByClient] = true;
    if (request !== undefined) useOfRequest.set(request, use);
  });
  // undici publishes this once it has handed the whole request (head and body) to the socket.
  diagnosticsChannel.subscribe('undici:request:bodySent', (message) => {
    const request = (message as { request?: object }).request;
    if (request === undefined) return;
    const use = useOfRequest.get(request);
    if (use === undefined) return;
    useOfRequest.delete(request);
    use.onRequestHandedOver();
  });
}
