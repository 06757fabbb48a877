/**
 * HTTP Basic authentication (RFC 7617) for the server's `authenticate` hook, on every face: it
 * reads headers from a node:http request (a record) or a fetch `Request` (`Headers`), and uses no
 * `node:` module (Web Crypto's SHA-256, a constant-time compare in plain JavaScript).
 */

/**
 * Request headers as a face has them: a node:http record (lower-case names) or a fetch `Headers`.
 * @group Server
 */
export type AuthHeaders =
  | {
      /** The header's value, or `null` when absent (fetch `Headers`). */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * What an `authenticate` hook needs of a request on any face (node:http `IncomingMessage` and fetch `Request` both fit).
 * @group Server
 */
export interface AuthRequest {
  /** The request headers. */
  readonly headers: AuthHeaders;
}

/**
 * Decides whether a request may call methods: returns the user, or `false`/`null`/`undefined` to
 * refuse (401). The node:http face passes its `IncomingMessage`, the fetch handler its `Request`.
 * @group Server
 */
export interface AuthenticateHook<R extends AuthRequest = AuthRequest> {
  (request: R): unknown;
  /** The `WWW-Authenticate` value sent with 401; default `Basic realm="XML-RPC", charset="UTF-8"`. */
  challenge?: string;
}

/** The `WWW-Authenticate` value of a 401 when the hook sets none. */
export const DEFAULT_CHALLENGE = 'Basic realm="XML-RPC", charset="UTF-8"';

/**
 * Checks a user name and password; may be async.
 * @group Server
 */
export type PasswordCheck = (user: string, password: string, request: AuthRequest) => boolean | Promise<boolean>;

/**
 * Options of {@link basicAuth}.
 * @group Server
 */
export interface BasicAuthOptions {
  /** The realm named in `WWW-Authenticate`. Default `"XML-RPC"`. */
  realm?: string;
}

/**
 * An `authenticate` hook for HTTP Basic credentials, checked against a table of
 * `user → password` (compared in constant time) or a function. The call's `user` is the user name.
 * @group Server
 */
export function basicAuth(users: Readonly<Record<string, string>> | ReadonlyMap<string, string> | PasswordCheck, options: BasicAuthOptions = {}): AuthenticateHook {
  const realm = options.realm ?? 'XML-RPC';
  if (typeof realm !== 'string' || /["\\\r\n]/.test(realm)) throw new TypeError('realm must be a string without quotes, backslashes or line breaks');
  const check: PasswordCheck = typeof users === 'function' ? users : tableCheck(users);
  const hook: AuthenticateHook = async (request) => {
    const credentials = parseBasic(headerOf(request.headers, 'authorization'));
    if (credentials === undefined) return false;
    return (await check(credentials.user, credentials.password, request)) === true ? credentials.user : false;
  };
  hook.challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return hook;
}

/** One header's value from either kind of headers (the first, if a record holds several). */
export function headerOf(headers: AuthHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return typeof value === 'string' ? value : value?.[0];
}

function tableCheck(users: Readonly<Record<string, string>> | ReadonlyMap<string, string>): PasswordCheck {
  const entries = users instanceof Map ? [...(users as ReadonlyMap<string, string>)] : Object.entries(users as Record<string, string>);
  for (const [user, password] of entries) {
    if (typeof password !== 'string') throw new TypeError(`password of '${user}' must be a string`);
  }
  // Web Crypto digests are async: the table is hashed on first use.
  let table: Promise<Map<string, Uint8Array>> | undefined;
  const hashed = async (): Promise<Map<string, Uint8Array>> => new Map(await Promise.all(entries.map(async ([user, password]) => [user, await digest(password)] as const)));
  let unknownUser: Promise<Uint8Array> | undefined;
  return async (user, password) => {
    table ??= hashed();
    unknownUser ??= digest('\u0000no such user');
    const expected = (await table).get(user);
    // Compare even for unknown users so timing does not reveal which names exist.
    const same = constantTimeEqual(expected ?? (await unknownUser), await digest(password));
    return expected !== undefined && same;
  };
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares two digests of equal length, touching every byte whatever differs. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** `{user, password}` from an `Authorization: Basic …` header, or `undefined`. */
function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (match === null) return undefined;
  let binary: string;
  try {
    binary = atob(match[1] as string);
  } catch {
    return undefined; // base64 of a length that cannot be
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const decoded = new TextDecoder('utf-8').decode(bytes);
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
