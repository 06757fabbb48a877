// The browser bundle of xmlrpc-ts/client (codec included, minified, gzipped) builds with no
// shims and what loads at import stays within its budget (bench/runtimes/bundle-size.js measures
// it; chunks loaded on demand, such as the fast-xml-parser reader, are not counted).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_BUNDLE_BUDGET_BYTES, clientBundleSize } from '../../bench/runtimes/bundle-size.js';

test(`the browser bundle of xmlrpc-ts/client is at most ${CLIENT_BUNDLE_BUDGET_BYTES} bytes gzipped`, async () => {
  const { gzippedBytes, inputs } = await clientBundleSize();
  const largest = inputs.slice(0, 5).map((i) => `${i.path} ${i.bytesInOutput}`).join(', ');
  assert.ok(gzippedBytes <= CLIENT_BUNDLE_BUDGET_BYTES, `${gzippedBytes} bytes gzipped; largest inputs: ${largest}`);
});
