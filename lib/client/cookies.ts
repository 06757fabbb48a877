/**
 * A small cookie jar for one client (one origin): enough for services that log in by cookie.
 * It keeps name/value pairs with their path, expiry and Secure flag; the domain is ignored
 * because a client only ever talks to its own origin.
 */

/** Most cookies one jar keeps; older ones are dropped first. */
const MAX_COOKIES = 64;
/** Longest Set-Cookie header line considered; longer ones are ignored (RFC 6265 §6.1 suggests 4096). */
const MAX_COOKIE_LENGTH = 8192;

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  secure: boolean;
  /** Expiry in ms since the epoch, or `Infinity` for a session cookie. */
  expires: number;
}

/** The cookies set by one server, sent back on later requests. */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Reads `Set-Cookie` header values from a response. */
  store(setCookie: string | readonly string[] | undefined, now = Date.now()): void {
    if (setCookie === undefined) return;
    const lines = typeof setCookie === 'string' ? [setCookie] : setCookie;
    for (const line of lines) this.storeOne(line, now);
  }

  /**
   * The `Cookie` header value for a request to `target` (a path, with or without a query), or
   * `undefined` when none applies.
   */
  header(target: string, secure: boolean, now = Date.now()): string | undefined {
    // Cookie paths match the path alone, never the query (RFC 6265 §5.1.4, §5.4).
    const query = target.search(/[?#]/);
    const path = query < 0 ? target : target.slice(0, query);
    let out: string | undefined;
    for (const [key, c] of this.cookies) {
      if (c.expires <= now) {
        this.cookies.delete(key);
        continue;
      }
      if (c.secure && !secure) continue;
      if (!pathMatches(path, c.path)) continue;
      const pair = `${c.name}=${c.value}`;
      out = out === undefined ? pair : `${out}; ${pair}`;
    }
    return out;
  }

  /** How many cookies are kept. */
  get size(): number {
    return this.cookies.size;
  }

  private storeOne(line: string, now: number): void {
    if (line.length > MAX_COOKIE_LENGTH) return;
    const parts = line.split(';');
    const first = parts[0] ?? '';
    const eq = first.indexOf('=');
    if (eq <= 0) return;
    const name = first.slice(0, eq).trim();
    const value = first.slice(eq + 1).trim();
    if (name === '') return;
    let path = '/';
    let secure = false;
    let expires = Infinity;
    let maxAgeSeen = false;
    for (let i = 1; i < parts.length; i++) {
      const attr = parts[i] ?? '';
      const aeq = attr.indexOf('=');
      const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
      const val = aeq < 0 ? '' : attr.slice(aeq + 1).trim();
      if (key === 'path' && val.startsWith('/')) path = val;
      else if (key === 'secure') secure = true;
      else if (key === 'max-age' && /^-?\d+$/.test(val)) {
        // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
        maxAgeSeen = true;
        const seconds = Number(val);
        expires = seconds <= 0 ? -Infinity : now + seconds * 1000;
      } else if (key === 'expires' && !maxAgeSeen) {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) expires = t;
      }
    }
    const key = `${name}\u0000${path}`;
    this.cookies.delete(key);
    if (expires <= now) return;
    this.cookies.set(key, { name, value, path, secure, expires });
    if (this.cookies.size > MAX_COOKIES) {
      const oldest = this.cookies.keys().next();
      if (oldest.done !== true) this.cookies.delete(oldest.value);
    }
  }
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}
