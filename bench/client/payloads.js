// The bench payloads: a small (~700 B) and a medium (~45 KB) XML-RPC value, built the same way
// in bench/client/py_client.py so every client sends and receives the same documents.

/** One record: a struct with every common scalar type. */
export function record(i) {
  return {
    id: i,
    name: `Customer number ${i}`,
    email: `customer${i}@example.com`,
    active: i % 2 === 0,
    balance: i * 10.25 + 0.5,
    tags: ['alpha', 'beta'],
    created: new Date(Date.UTC(2024, 0, 1 + (i % 28), 12, 30, 0)),
  };
}

/** The small payload: one record. */
export const small = record(1);

/** The medium payload: an array of 68 records. */
export const medium = Array.from({ length: 68 }, (_, i) => record(i));
