/**
 * What every connection the undici transport opens goes through: one time limit for the whole
 * connect (TCP, a proxy's CONNECT answer, TLS), a reconnect budget so a hostile proxy cannot make
 * us reconnect in a loop, and the skipping of an unsolicited `100 Continue` (RFC 9110 §15.2),
 * which undici's HTTP/1.1 parser otherwise treats as a broken response.
 */
import type { Socket } from 'node:net';
import { buildConnector, errors } from 'undici';
import { NetworkError } from '../../core/errors.js';

/**
 * Counts connection attempts that brought no answer, for one transport: the budget of a call
 * (a new call, or an answer, starts the count again, so a server that was down and is back is
 * reached again).
 */
export class ReconnectBudget {
  private attempts = 0;

  /** @param max attempts allowed since the latest call started or answer came. */
  constructor(readonly max: number) {}

  /** A call starts, or a response started: the count starts again. */
  renew(): void {
    this.attempts = 0;
  }

  /** Counts one attempt; false when the budget is spent. */
  take(): boolean {
    this.attempts++;
    return this.attempts <= this.max;
  }
}

/** The options undici hands to a pool factory; `connect` is a connector or its settings. */
type ConnectSetting = buildConnector.connector | buildConnector.BuildOptions | undefined;

/** A connector: the given one (or one built from settings) under the time limit and the budget. */
export function guardedConnector(connect: ConnectSetting, timeoutMs: number, budget: ReconnectBudget, display: string): buildConnector.connector {
  const inner = typeof connect === 'function' ? connect : buildConnector({ ...connect, timeout: timeoutMs });
  return (options, callback) => {
    if (!budget.take()) {
      callback(new NetworkError(`POST ${display} failed: gave up after ${budget.max} connection attempts without an answer`), null);
      return;
    }
    let settled = false;
    const timer = timeoutMs > 0
      ? setTimeout(() => {
        settled = true;
        callback(new errors.ConnectTimeoutError(`Connect timeout after ${timeoutMs} ms`), null);
      }, timeoutMs)
      : undefined;
    inner(options, (error, socket) => {
      if (timer !== undefined) clearTimeout(timer);
      if (settled) {
        socket?.destroy();
        return;
      }
      settled = true;
      if (error !== null) callback(error, null);
      else callback(null, skipUnsolicitedContinue(socket));
    });
  };
}

const CONTINUE_STATUS = Buffer.from(' 100 ', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** Longest interim response we look for the end of; beyond it the bytes go to undici unchanged. */
const MAX_INTERIM_BYTES = 8192;

/**
 * Drops `HTTP/1.x 100 …` interim responses that arrive before a response. The check runs on the
 * first chunk after each write, when a response can start; a 100 split over two chunks is left
 * alone (it is a few dozen bytes, sent at once by every server seen).
 */
function skipUnsolicitedContinue<S extends Socket>(socket: S): S {
  let responseMayStart = false;
  const write = socket.write;
  const push = socket.push;
  socket.write = function (this: S, ...args: Parameters<Socket['write']>): boolean {
    responseMayStart = true;
    return write.apply(this, args);
  } as Socket['write'];
  socket.push = function (this: S, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (responseMayStart && Buffer.isBuffer(chunk)) {
      let rest: Buffer = chunk;
      while (isContinueHead(rest)) {
        const end = rest.indexOf(HEAD_END);
        if (end < 0 || end > MAX_INTERIM_BYTES) break;
        rest = rest.subarray(end + HEAD_END.length);
      }
      if (rest.length === 0) return true;
      responseMayStart = false;
      return push.call(this, rest, encoding);
    }
    return push.call(this, chunk, encoding);
  };
  return socket;
}

function isContinueHead(chunk: Buffer): boolean {
  return chunk.length >= 13 && chunk.toString('latin1', 0, 7) === 'HTTP/1.' && chunk.subarray(8, 13).equals(CONTINUE_STATUS);
}
