/**
 * Which built-in transport a client gets, and the lazy load of the undici one: `xmlrpc-ts/client`
 * imports undici only when a call needs it, so the module bundles for a browser or a Worker
 * without undici and loads nothing Node-only there.
 */
import { OptionError } from '../core/errors.js';
import type { Endpoint } from './endpoint.js';
import { FetchTransport } from './fetch/transport.js';
import { refuseUndiciOnlyOptions, type ClientOptions, type ClientSettings } from './options.js';
import type { Transport } from './transport.js';

type UndiciModule = typeof import('./undici/transport.js');

/**
 * Kept in a variable so that bundlers leave the import alone: a bundle for a browser then has no
 * undici in it (a Node bundle that lacks the file next to it falls back to fetch under `'auto'`).
 */
const UNDICI_TRANSPORT_MODULE = './undici/transport.js';

/**
 * True where undici is the right transport: Node and Deno. Not in Bun (its undici shim has no
 * `Pool.dispatch`), browsers or Workers, which get the fetch transport.
 */
export function undiciSuitsRuntime(): boolean {
  const g = globalThis as { process?: { versions?: { node?: unknown; bun?: unknown } }; Bun?: unknown; Deno?: unknown; navigator?: { userAgent?: unknown } };
  if (g.Bun !== undefined || g.process?.versions?.bun !== undefined) return false;
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return false;
  return g.Deno !== undefined || typeof g.process?.versions?.node === 'string';
}

/**
 * The transport for these options: the user's own, the fetch one, or a promise of the undici
 * one (loaded on first use). Options a transport cannot honour are refused here, by name.
 */
export function pickTransport(endpoint: Endpoint, settings: ClientSettings, options: ClientOptions): Transport | (() => Promise<Transport>) {
  const chosen = options.transport ?? (options.fetch !== undefined ? 'fetch' : 'auto');
  if (typeof chosen === 'object') {
    refuseUndiciOnlyOptions(options, 'a custom transport', undefined);
    if (options.fetch !== undefined) throw new OptionError('Client options.fetch', 'Client options.fetch is for the fetch transport, not a custom transport');
    return chosen;
  }
  if (options.fetch !== undefined && chosen === 'undici') {
    throw new OptionError('Client options.fetch', "Client options.fetch is for the fetch transport, not transport: 'undici'");
  }
  if (chosen === 'fetch' || (chosen === 'auto' && !undiciSuitsRuntime())) {
    refuseUndiciOnlyOptions(options, 'the fetch transport', endpoint.socketPath);
    return new FetchTransport(endpoint, settings, options.fetch);
  }
  return async () => {
    let module: UndiciModule;
    try {
      module = (await import(UNDICI_TRANSPORT_MODULE)) as UndiciModule;
    } catch (error) {
      if (chosen === 'undici') throw new OptionError('Client options.transport', `The undici transport cannot load here: ${String(error)}`, { cause: error });
      // 'auto' where undici cannot load: fetch, if the options allow it.
      refuseUndiciOnlyOptions(options, 'the fetch transport (undici could not load)', endpoint.socketPath);
      return new FetchTransport(endpoint, settings, options.fetch);
    }
    return new module.UndiciTransport(endpoint, settings, options);
  };
}
