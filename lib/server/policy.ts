/**
 * The cross-site policy of every server face (node:http and the fetch handler), on plain header
 * values: no `node:` import. A browser on any page can send a CORS-"simple" POST with cached
 * credentials, and DNS rebinding lets a page reach a server bound to 127.0.0.1 under its own
 * host name. So, by default:
 * - a request a browser marks cross-site (`Sec-Fetch-Site: cross-site`, or an `Origin` other than
 *   the `Host`) is refused with 403 unless `allowedOrigins` admits its origin;
 * - a server reached on a loopback address refuses a `Host` that is not a loopback name or address
 *   (unless `allowedHosts` admits it);
 * - programs (no `Origin`, no `Sec-Fetch-*`) pass unchanged;
 * - a CORS preflight (`OPTIONS`) from an allowed origin is answered, and the answers to that
 *   origin carry the CORS headers.
 */
import { OptionError } from '../core/errors.js';
import { quoteExcerpt } from '../core/message.js';
import { checkOptionNames } from '../core/options.js';

/**
 * The options of the cross-site policy (server options of the same names).
 * @group Server
 */
export interface CrossSiteOptions {
  /**
   * Origins (`https://app.example`, `http://localhost:5173`, `null`) whose browser pages may call
   * the server, with CORS; `'*'` for any origin. Default: none (browser pages of other origins are
   * refused with 403).
   */
  allowedOrigins?: readonly string[] | '*';
  /**
   * Host names (`my-box.lan`, `my-box.lan:8080`) a server reached on a loopback address answers
   * besides loopback names and addresses; `'*'` for any. Default: none (DNS rebinding protection).
   */
  allowedHosts?: readonly string[] | '*';
}

/** The names {@link createCrossSitePolicy} takes. */
export const CROSS_SITE_OPTION_NAMES: readonly string[] = Object.freeze(['allowedOrigins', 'allowedHosts']);

/**
 * A checked, normalized cross-site policy; made once by {@link createCrossSitePolicy}.
 * @group Server
 */
export interface CrossSitePolicy {
  /** Lower-cased origins, or `'*'`. */
  readonly allowedOrigins: ReadonlySet<string> | '*';
  /** Lower-cased hosts (with or without port), or `'*'`. */
  readonly allowedHosts: ReadonlySet<string> | '*';
}

/**
 * What the policy needs to know about a request: header values as received (`undefined` when absent).
 * @group Server
 */
export interface CrossSiteRequest {
  /** The HTTP method, e.g. `POST`. */
  method: string;
  /** The `Host` header (or the authority of an absolute-form target). */
  host: string | undefined;
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite: string | undefined;
  /** The `Sec-Fetch-Mode` header: top-level navigations (`navigate`) with GET/HEAD run no call. */
  secFetchMode?: string | undefined;
  /** Whether the request came in on a loopback address (127.0.0.0/8, ::1). */
  listeningOnLoopback: boolean;
  /** The `Access-Control-Request-Method` header of a preflight. */
  accessControlRequestMethod?: string | undefined;
  /** The `Access-Control-Request-Headers` header of a preflight. */
  accessControlRequestHeaders?: string | undefined;
}

/**
 * The policy's answer. `pass`: go on, adding `headers` to the response; `preflight`: answer now
 * with `status` (204) and `headers`; `refuse`: answer now with `status` (403) and `reason`.
 * @group Server
 */
export type CrossSiteVerdict =
  | {
      /** Go on with the request. */
      readonly action: 'pass';
      /** CORS headers to add to the answer. */
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      /** A CORS preflight: answer it now. */
      readonly action: 'preflight';
      /** The status to answer with. */
      readonly status: 204;
      /** The preflight's CORS headers. */
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      /** Refuse the request now. */
      readonly action: 'refuse';
      /** The status to answer with. */
      readonly status: 403;
      /** Why, for the answer's body. */
      readonly reason: string;
      /** Headers to send with the refusal. */
      readonly headers: Readonly<Record<string, string>>;
    };

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const PASS: CrossSiteVerdict = Object.freeze({ action: 'pass', headers: NO_HEADERS });
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_S = '600';
/** Request headers a preflight may name: tokens only, a bounded list (they are echoed back). */
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const MAX_PREFLIGHT_HEADERS = 32;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * Checks the options once and returns the policy {@link checkCrossSite} applies. Throws `OptionError`.
 * @group Server
 */
export function createCrossSitePolicy(options: CrossSiteOptions = {}): CrossSitePolicy {
  checkOptionNames('cross-site options', options, CROSS_SITE_OPTION_NAMES);
  return Object.freeze({
    allowedOrigins: listOption('allowedOrigins', options.allowedOrigins, normalizeOrigin),
    allowedHosts: listOption('allowedHosts', options.allowedHosts, normalizeHost),
  });
}

function listOption(name: string, value: readonly string[] | '*' | undefined, normalize: (entry: string) => string | undefined): ReadonlySet<string> | '*' {
  if (value === undefined) return new Set();
  if (value === '*') return '*';
  if (!Array.isArray(value)) throw new OptionError(name, `${name} must be an array of strings or '*'`);
  const set = new Set<string>();
  for (const [i, entry] of (value as readonly unknown[]).entries()) {
    const normalized = typeof entry === 'string' ? normalize(entry) : undefined;
    if (normalized === undefined) {
      const shown = typeof entry === 'string' ? quoteExcerpt(entry) : typeof entry;
      throw new OptionError(`${name}[${i}]`, `${name}[${i}] is not a valid ${name === 'allowedOrigins' ? "origin (scheme://host[:port] or 'null')" : 'host (name[:port])'}: ${shown}`);
    }
    set.add(normalized);
  }
  return set;
}

/** `scheme://host[:port]` lower-cased, default port dropped; `null` as is; `undefined` when invalid. */
function normalizeOrigin(origin: string): string | undefined {
  const text = origin.trim().toLowerCase();
  if (text === 'null') return 'null';
  if (text.length > 300 || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+\/?$/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.origin === 'null' ? undefined : url.origin;
}

/** `name[:port]` lower-cased, a trailing dot dropped; `undefined` when it is not a plain authority. */
function normalizeHost(host: string): string | undefined {
  const parsed = parseHost(host);
  if (parsed === undefined) return undefined;
  return parsed.port === undefined ? parsed.name : `${parsed.name}:${parsed.port}`;
}

/** A `Host` value split into name (IPv6 without brackets) and port; `undefined` when malformed. */
export function parseHost(host: string): { name: string; port: string | undefined } | undefined {
  const text = host.trim().toLowerCase();
  if (text === '' || text.length > 300) return undefined;
  let name: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    name = text.slice(1, close);
    rest = text.slice(close + 1);
    if (!/^[0-9a-f:.]+$/.test(name)) return undefined;
  } else {
    const colon = text.indexOf(':');
    name = colon === -1 ? text : text.slice(0, colon);
    rest = colon === -1 ? '' : text.slice(colon);
    if (!/^[a-z0-9._~!$&'()*+,;=%-]+$/.test(name)) return undefined;
  }
  if (rest !== '' && !/^:[0-9]{1,5}$/.test(rest)) return undefined;
  if (name.endsWith('.')) name = name.slice(0, -1);
  return { name, port: rest === '' ? undefined : rest.slice(1) };
}

/**
 * Whether an IP address (as a socket reports it) is a loopback one: 127.0.0.0/8 or ::1.
 * @group Server
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  if (address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1') return true;
  const text = address.toLowerCase();
  if (text === '::1' || text === '0:0:0:0:0:0:0:1') return true;
  const v4 = text.startsWith('::ffff:') ? text.slice(7) : text;
  return /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(v4);
}

/** `127.0.0.1[:port]` or `localhost[:port]`, checked without a regex (the hot path). */
function isPlainLoopbackHost(host: string): boolean {
  const name = host.startsWith('127.0.0.1') ? 9 : host.startsWith('localhost') ? 9 : 0;
  if (name === 0) return false;
  if (host.length === name) return true;
  if (host.charCodeAt(name) !== 0x3a || host.length > name + 6) return false;
  for (let i = name + 1; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return host.length > name + 1;
}

/** Whether a `Host` name is loopback: `localhost`, a `*.localhost` name (RFC 6761) or a loopback address. */
function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/**
 * The policy's verdict on one request; see {@link CrossSiteVerdict}. Never throws.
 * @group Server
 */
export function checkCrossSite(request: CrossSiteRequest, policy: CrossSitePolicy): CrossSiteVerdict {
  // The common case, a program calling a loopback server by address: no parsing.
  if (request.origin === undefined && request.secFetchSite === undefined && (!request.listeningOnLoopback || request.host === undefined || isPlainLoopbackHost(request.host))) {
    return PASS;
  }
  const host = request.host === undefined ? undefined : parseHost(request.host);
  if (request.listeningOnLoopback && request.host !== undefined && !hostAdmitted(host, request.host, policy)) {
    return refuse(`host ${quoteExcerpt(request.host)} is not a loopback name: a server on a loopback address answers only those (DNS rebinding); add it to allowedHosts to admit it`);
  }
  const origin = request.origin?.trim().toLowerCase();
  const method = request.method.toUpperCase();
  const crossSite = isCrossSite(origin, host, request.secFetchSite);
  if (!crossSite) return PASS;
  const allowed = origin !== undefined && originAdmitted(origin, policy);
  if (method === 'OPTIONS' && origin !== undefined && request.accessControlRequestMethod !== undefined) {
    if (!allowed) return refuse(`origin ${quoteExcerpt(origin)} is not allowed to call this server (allowedOrigins)`);
    return preflight(origin, policy, request.accessControlRequestHeaders);
  }
  if (allowed) return { action: 'pass', headers: corsHeaders(origin, policy) };
  // A top-level navigation to the docs page runs no call and shows nothing to the linking page.
  if ((method === 'GET' || method === 'HEAD') && request.secFetchMode?.trim().toLowerCase() === 'navigate') return PASS;
  const what = origin === undefined ? 'a cross-site request (Sec-Fetch-Site: cross-site)' : `origin ${quoteExcerpt(origin)}`;
  return refuse(`${what} is not allowed to call this server; list the origin in allowedOrigins to admit it`);
}

function isCrossSite(origin: string | undefined, host: { name: string; port: string | undefined } | undefined, secFetchSite: string | undefined): boolean {
  if (secFetchSite?.trim().toLowerCase() === 'cross-site') return true;
  if (origin === undefined) return false;
  if (origin === 'null' || host === undefined) return true;
  return !sameAuthority(origin, host);
}

/** Whether `origin` names the host the request was sent to (a port left out means the scheme's default). */
function sameAuthority(origin: string, host: { name: string; port: string | undefined }): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const name = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (name !== host.name) return false;
  const originPort = url.port === '' ? DEFAULT_PORTS[url.protocol] : url.port;
  // Without a port in Host, a proxy may have terminated TLS: the name decides.
  return host.port === undefined || host.port === originPort;
}

function hostAdmitted(host: { name: string; port: string | undefined } | undefined, raw: string, policy: CrossSitePolicy): boolean {
  if (policy.allowedHosts === '*') return true;
  if (host === undefined) return false;
  if (isLoopbackName(host.name)) return true;
  const allowed = policy.allowedHosts;
  return allowed.has(host.name) || allowed.has(normalizeHost(raw) ?? '');
}

function originAdmitted(origin: string, policy: CrossSitePolicy): boolean {
  if (policy.allowedOrigins === '*') return true;
  return policy.allowedOrigins.has(origin === 'null' ? 'null' : normalizeOrigin(origin) ?? '\u0000');
}

function corsHeaders(origin: string, policy: CrossSitePolicy): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': origin,
    Vary: 'Origin',
  };
  // Credentials (Basic auth) only for origins named one by one, never for '*'.
  if (policy.allowedOrigins !== '*') headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

function preflight(origin: string, policy: CrossSitePolicy, requestHeaders: string | undefined): CrossSiteVerdict {
  const headers = corsHeaders(origin, policy);
  headers['Access-Control-Allow-Methods'] = 'POST';
  headers['Access-Control-Max-Age'] = PREFLIGHT_MAX_AGE_S;
  const names = (requestHeaders ?? '')
    .split(',', MAX_PREFLIGHT_HEADERS)
    .map((name) => name.trim())
    .filter((name) => HEADER_TOKEN.test(name));
  if (names.length > 0) headers['Access-Control-Allow-Headers'] = names.join(', ');
  return { action: 'preflight', status: 204, headers };
}

function refuse(reason: string): CrossSiteVerdict {
  return { action: 'refuse', status: 403, reason, headers: NO_HEADERS };
}
