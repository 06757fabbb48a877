/** HTTP Basic authentication (RFC 7617) for the server's `authenticate` hook. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthenticateHook } from './http.js';

/** Checks a user name and password; may be async. */
export type PasswordCheck = (user: string, password: string, request: IncomingMessage) => boolean | Promise<boolean>;

/** Options of {@link basicAuth}. */
export interface BasicAuthOptions {
  /** The realm named in `WWW-Authenticate`. Default `"XML-RPC"`. */
  realm?: string;
}

/**
 * An `authenticate` hook for HTTP Basic credentials, checked against a table of
 * `user → password` (compared in constant time) or a function. The call's `user` is the user name.
 */
export function basicAuth(users: Readonly<Record<string, string>> | ReadonlyMap<string, string> | PasswordCheck, options: BasicAuthOptions = {}): AuthenticateHook {
  const realm = options.realm ?? 'XML-RPC';
  if (/["\\\r\n]/.test(realm)) throw new TypeError('realm must not contain quotes, backslashes or line breaks');
  const check: PasswordCheck = typeof users === 'function' ? users : tableCheck(users);
  const hook: AuthenticateHook = async (request) => {
    const credentials = parseBasic(request.headers.authorization);
    if (credentials === undefined) return false;
    return (await check(credentials.user, credentials.password, request)) === true ? credentials.user : false;
  };
  hook.challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return hook;
}

function tableCheck(users: Readonly<Record<string, string>> | ReadonlyMap<string, string>): PasswordCheck {
  const table = new Map<string, Buffer>();
  const entries = users instanceof Map ? [...users] : Object.entries(users as Record<string, string>);
  for (const [user, password] of entries) {
    if (typeof password !== 'string') throw new TypeError(`password of '${user}' must be a string`);
    table.set(user, digest(password));
  }
  const unknownUser = digest('\u0000no such user');
  return (user, password) => {
    const expected = table.get(user);
    // Compare even for unknown users so timing does not reveal which names exist.
    const same = timingSafeEqual(expected ?? unknownUser, digest(password));
    return expected !== undefined && same;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `{user, password}` from an `Authorization: Basic …` header, or `undefined`. */
function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
