/** The package version, read without loading the rest of the CLI (`--version` stays fast). */
import { readFileSync } from 'node:fs';

/** The package version, from the package.json next to dist/. */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What `--version` prints. */
export function versionLine(): string {
  return `xmlrpc-ts ${packageVersion()}\n`;
}
