/**
 * Writing responses, and bounding what unread ones hold: a response not taken by its client
 * within `sendTimeoutMs` is dropped with its connection, and responses waiting for their clients
 * hold at most `maxPendingResponseBytes` in all (the oldest are dropped first).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NetworkError } from '../../core/errors.js';
import { acceptsGzip } from '../http-rules.js';

const TEXT_XML = 'text/xml; charset=utf-8';

/** What a {@link ResponseWriter} is configured with. */
export interface ResponseSettings {
  readonly gzipThresholdBytes: number;
  readonly gzipLevel: number;
  readonly sendTimeoutMs: number;
  readonly maxPendingResponseBytes: number;
}

/** A response written but not yet handed to the network in full. */
interface PendingResponse {
  readonly response: ServerResponse;
  readonly bytes: number;
  /** When it is dropped, in ms since the epoch. */
  readonly deadline: number;
}

/** Writes XML and text responses with a Content-Length, and watches them until their client takes them. */
export class ResponseWriter {
  private readonly pending = new Set<PendingResponse>();
  private pendingBytes = 0;
  /** Sweeps `pending` for expired responses while there are any (one timer, not one per response). */
  private sweeper: ReturnType<typeof setInterval> | undefined;

  /** `report` sees each dropped response. */
  constructor(
    private readonly settings: ResponseSettings,
    private readonly report: (error: Error) => void,
  ) {}

  /** Bytes of responses written and not yet taken by their clients (for tests and metrics). */
  get pendingResponseBytes(): number {
    return this.pendingBytes;
  }

  /** Sends `xml` (gzipped when large and accepted), with `extra` headers; a promise only while gzipping. */
  sendXml(request: IncomingMessage, response: ServerResponse, xml: string, extra: Readonly<Record<string, string>>, close: boolean): Promise<void> | undefined {
    const length = Buffer.byteLength(xml, 'utf8');
    const compressible = length > this.settings.gzipThresholdBytes;
    const headers: Record<string, string | number> = { ...extra, 'Content-Type': TEXT_XML };
    if (close) headers['Connection'] = 'close';
    if (compressible) headers['Vary'] = extra['Vary'] === undefined ? 'Accept-Encoding' : `${extra['Vary']}, Accept-Encoding`;
    if (compressible && acceptsGzip(request.headers['accept-encoding'])) {
      return new Promise<void>((resolve, reject) => {
        // node:zlib is taken on the first compressed response, not at import (see server.ts).
        process.getBuiltinModule('node:zlib').gzip(Buffer.from(xml, 'utf8'), { level: this.settings.gzipLevel }, (error, zipped) => {
          if (error !== null) return reject(error);
          if (!response.destroyed) {
            headers['Content-Encoding'] = 'gzip';
            headers['Content-Length'] = zipped.length;
            response.writeHead(200, headers);
            response.end(zipped);
            this.watch(response, zipped.length);
          }
          resolve();
        });
      });
    }
    headers['Content-Length'] = length;
    response.writeHead(200, headers);
    response.end(xml, 'utf8');
    this.watch(response, length);
    return undefined;
  }

  /** Sends a short text answer (a refusal) with `status`. */
  sendText(response: ServerResponse, status: number, message: string, extra: Readonly<Record<string, string>>, close: boolean): void {
    const body = message + '\n';
    const length = Buffer.byteLength(body, 'utf8');
    const headers: Record<string, string | number> = { ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': length };
    if (close) headers['Connection'] = 'close';
    response.writeHead(status, headers);
    response.end(body, 'utf8');
    this.watch(response, length);
  }

  /** Sends an empty answer (a CORS preflight) with `status`. */
  sendEmpty(response: ServerResponse, status: number, extra: Readonly<Record<string, string>>): void {
    response.writeHead(status, { ...extra, 'Content-Length': 0 });
    response.end();
  }

  /**
   * Watches a response until node:http has handed it all to the network: past
   * `sendTimeoutMs` it is dropped with its connection; the oldest are dropped while all of them
   * together hold more than `maxPendingResponseBytes`.
   */
  private watch(response: ServerResponse, bytes: number): void {
    if (response.writableFinished || response.destroyed) return;
    const entry: PendingResponse = { response, bytes, deadline: Date.now() + this.settings.sendTimeoutMs };
    this.pending.add(entry);
    this.pendingBytes += bytes;
    // A deadline fires up to a quarter of sendTimeoutMs (at most 1 s) late.
    this.sweeper ??= setInterval(() => this.sweep(), Math.min(1000, Math.max(10, this.settings.sendTimeoutMs / 4))).unref();
    // 'close' follows 'finish' (all handed to the network) or a destroy: one listener for both.
    response.on('close', () => this.forget(entry));
    for (const oldest of this.pending) {
      if (this.pendingBytes <= this.settings.maxPendingResponseBytes || oldest === entry) break;
      this.drop(oldest, `responses waiting for their clients hold over ${this.settings.maxPendingResponseBytes} bytes; the oldest connection was closed`);
    }
  }

  private forget(entry: PendingResponse): void {
    if (this.pending.delete(entry)) this.pendingBytes -= entry.bytes;
  }

  private sweep(): void {
    const now = Date.now();
    // Oldest first: the first one not yet due ends the sweep.
    for (const entry of this.pending) {
      if (entry.deadline > now) break;
      this.drop(entry, `the client did not take its response within ${this.settings.sendTimeoutMs} ms; connection closed`);
    }
    if (this.pending.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private drop(entry: PendingResponse, why: string): void {
    this.forget(entry);
    this.report(new NetworkError(why));
    // Destroying the response destroys its socket, and the buffered bytes with it.
    entry.response.destroy();
  }
}
