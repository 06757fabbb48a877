/**
 * The package version, for the executable (lib/cli/main.cts). CommonJS like it, so `--version`
 * is answered without Node's ES module loader.
 */
import fs = require('node:fs');
import path = require('node:path');

/** The package version, from the package.json two folders up (dist/cli/ or dist/bundle/). */
function packageVersion(): string {
  try {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What `--version` prints. */
function versionLine(version: string): string {
  return `xmlrpc-ts ${version}\n`;
}

export = { packageVersion, versionLine };
