// The two request bodies of the server bench: small (~700 B) and medium (~45 KB, 100 structs).
import { encodeCall } from 'xmlrpc-ts';

function item(i) {
  return {
    id: 100000 + i,
    name: `Widget number ${i}`,
    price: 19.99 + i,
    inStock: i % 2 === 0,
    created: new Date(Date.UTC(2024, 0, 1 + (i % 28), 12, 30, 0)),
  };
}

/** `{ small, medium }`: encoded `<methodCall>` bodies of `echo` and the params they carry. */
export function makePayloads() {
  const smallParams = [
    {
      ...item(1),
      tags: ['tools', 'hardware'],
    },
  ];
  const mediumParams = [Array.from({ length: 100 }, (_, i) => item(i))];
  return {
    small: { params: smallParams, body: encodeCall('echo', smallParams) },
    medium: { params: mediumParams, body: encodeCall('echo', mediumParams) },
  };
}
