/** On Node, `currentCall()` reads an `AsyncLocalStorage`, so the context survives `await` in handlers. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { useCallContextStorage } from '../context.js';
import type { CallContext } from '../context.js';

let installed = false;

/** Makes `currentCall()` work after `await` (once per process; the node:http server calls it). */
export function enableAsyncCallContext(): void {
  if (installed) return;
  installed = true;
  useCallContextStorage(new AsyncLocalStorage<CallContext>());
}
