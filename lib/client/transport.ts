/**
 * The transport seam of the client (Python's `ServerProxy(uri, transport=…)`): a `Transport`
 * moves one request's bytes to the server and brings the response's bytes back. Everything
 * XML-RPC (encoding, decoding, headers, compression, cookies, status handling) stays in the
 * `Client`, so a transport is small: the built-in undici and fetch ones, or a user's test double.
 */

/**
 * One HTTP request, ready to send: a POST of `body` to `url`.
 * @group Client
 */
export interface TransportRequest {
  /** The target URL, without credentials (`http+unix:` and `unix:` URLs as the user gave them). */
  readonly url: string;
  /** The request headers, names in lower case (`content-type`, `user-agent`, `authorization`…). */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body: the encoded call, gzipped when `content-encoding` says so. */
  readonly body: Uint8Array;
  /**
   * Aborted when the call must stop: stop at once and reject with anything; the client turns it
   * into the right typed error. For a transport without `enforcesTimeout` it is always given and
   * also fires at the call's deadline; for one with it, it is the caller's signal, when there is one.
   */
  readonly signal?: AbortSignal;
  /**
   * Given only to a transport with `enforcesTimeout`: the milliseconds left of the call's
   * deadline (absent: none). Past them, reject with `TimeoutError('call', …)`.
   */
  readonly timeoutMs?: number;
  /** Refuse (reject) a response body larger than this many bytes as received. */
  readonly maxResponseBytes: number;
}

/**
 * The server's answer as received: the client checks the status and inflates the body.
 * @group Client
 */
export interface TransportResponse {
  /** The final HTTP status (1xx interim responses are skipped). */
  readonly status: number;
  /** The reason phrase, when the protocol has one. */
  readonly statusText?: string;
  /** Response headers, names in lower case; repeated ones (`set-cookie`) as an array. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body as received (still compressed if `content-encoding` says so). */
  readonly body: Uint8Array;
}

/**
 * What a `Client` sends requests through. `post` rejects with a `NetworkError`, `TimeoutError`
 * or `DecodeError` (size) when it can tell which; anything else it throws reaches the caller.
 * @group Client
 */
export interface Transport {
  /** Sends one request and resolves with the response, whatever its status. */
  post(request: TransportRequest): Promise<TransportResponse>;
  /**
   * True when the transport enforces `request.timeoutMs` and `request.signal` itself, which spares
   * the client an `AbortController` and a listener per call. Otherwise the client guards the call.
   */
  readonly enforcesTimeout?: boolean;
  /** Releases connections once calls in flight are done (called by `Client.close`). */
  close?(): Promise<void>;
}
