/**
 * The client URL: where requests go and what credentials it carries. Python's default path
 * `/RPC2` applies when the URL has none; `http+unix:` and supervisord's `unix:` name a socket.
 */
import { OptionError } from '../core/errors.js';

/** Where requests go, worked out once from the URL and the options. */
export interface Endpoint {
  /** `http://host:port` or `https://host:port` (`http://localhost` for a Unix socket). */
  origin: string;
  /** The request target: path and query. */
  path: string;
  /** The Unix socket to connect to, if any. */
  socketPath: string | undefined;
  /** True for `https:`. */
  secure: boolean;
  /** The URL without credentials, for messages. */
  display: string;
  /** `Basic …` from the URL's `user:pass@`, if any. */
  authorization: string | undefined;
}

/**
 * Reads the client URL. `http:`/`https:` as usual, with Python's default path `/RPC2` when the
 * URL has no path at all; `http+unix://<percent-encoded socket path>/path`; and supervisord's
 * `unix:///path/to.sock` (path `/RPC2`).
 */
export function parseEndpoint(url: string | URL, socketPathOption: string | undefined): Endpoint {
  const text = typeof url === 'string' ? url : url instanceof URL ? url.href : undefined;
  if (text === undefined) throw new OptionError('url', `The client URL must be a string or a URL, not ${url === null ? 'null' : typeof url}`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new OptionError('url', `Invalid XML-RPC URL: ${JSON.stringify(redact(text).slice(0, 200))}`);
  }
  const authorization =
    parsed.username !== '' || parsed.password !== ''
      ? basicAuthorization(safeDecode(parsed.username), safeDecode(parsed.password))
      : undefined;
  // "http://host" has no path: Python's ServerProxy then posts to /RPC2.
  const hasPath = typeof url === 'string' ? !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(text) : true;
  let origin: string;
  let path = parsed.pathname + parsed.search;
  let socketPath = socketPathOption;
  let secure = false;
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      secure = parsed.protocol === 'https:';
      origin = parsed.origin;
      if (!hasPath) path = '/RPC2' + parsed.search;
      break;
    case 'http+unix:':
      socketPath = safeDecode(parsed.host);
      if (socketPath === '') throw new OptionError('url', `No socket path in ${JSON.stringify(redact(text))}: write it percent-encoded as the host, e.g. http+unix://%2Frun%2Fapp.sock/RPC2`);
      origin = 'http://localhost';
      if (parsed.pathname === '' || parsed.pathname === '/') path = '/RPC2' + parsed.search;
      break;
    case 'unix:':
      socketPath = safeDecode(parsed.pathname);
      if (socketPath === '') throw new OptionError('url', `No socket path in ${JSON.stringify(redact(text))}`);
      origin = 'http://localhost';
      path = '/RPC2';
      break;
    default:
      throw new OptionError('url', `Unsupported XML-RPC URL scheme ${JSON.stringify(parsed.protocol)}: use http:, https:, http+unix: or unix:`);
  }
  const shown = new URL(parsed.href);
  shown.username = '';
  shown.password = '';
  return { origin, path, socketPath, secure, display: shown.href, authorization };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function redact(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/** `Basic base64(user:pass)`, the pair UTF-8 encoded (RFC 7617 §2.1 charset UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return 'Basic ' + btoa(binary);
}
