// Importing the client defines things and does nothing else: the diagnostics channels the
// stale-connection retry needs are subscribed on the first call that uses undici, not at import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { answer, startServer } from './support.js';

const CHANNELS = ['undici:client:sendHeaders', 'undici:request:bodySent'];

test('importing xmlrpc-ts/client subscribes to no diagnostics channel; the first call does', async () => {
  const { Client } = await import('xmlrpc-ts/client');
  for (const name of CHANNELS) assert.equal(diagnosticsChannel.channel(name).hasSubscribers, false, name);
  const server = await startServer((req, res) => answer(res, 'ok'));
  const client = new Client(server.url());
  try {
    for (const name of CHANNELS) assert.equal(diagnosticsChannel.channel(name).hasSubscribers, false, `${name} after new Client`);
    assert.equal(await client.call('x'), 'ok');
    for (const name of CHANNELS) assert.equal(diagnosticsChannel.channel(name).hasSubscribers, true, `${name} after a call`);
  } finally {
    await client.close();
    await server.close();
  }
});
