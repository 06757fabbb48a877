/**
 * The general decoder's speed-only shortcuts as browser bundles get them: each always declines,
 * so the general rules decide, as they do whenever a shortcut declines elsewhere. Package.json
 * maps `#fast-paths` here under the `browser` condition; every other runtime gets
 * lib/codec/fast-paths.ts.
 */
import type { NativeBase64 } from './native-base64.js';

/** Declines: the scanner reads the name itself. */
export function knownName(_doc: string, _start: number): string | undefined {
  return undefined;
}

/** Declines: the full date-time grammar reads the text. */
export function specFormUtc(_text: string): Date | null {
  return null;
}

/** Declines: the general base64 reader decodes. */
export function decodeBase64Lines(_text: string, _native: NativeBase64, _paddingOf: (text: string) => number): Uint8Array | undefined {
  return undefined;
}

/** Never made: arrays write each string with the general escape. */
export declare class StringRun {
  readonly pending: boolean;
  add(s: string): boolean;
  take(): string;
}

/** Declines: no run, so the array writer writes every element itself. */
export function stringRun(_length: number): StringRun | undefined {
  return undefined;
}
