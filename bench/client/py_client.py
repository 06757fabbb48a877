#!/usr/bin/env python3
"""The bench's Python client: xmlrpc.client.ServerProxy, one per thread (Python 3.11 stdlib only).

    python3 py_client.py URL PAYLOAD CONCURRENCY SECONDS RUNS

PAYLOAD is "small" or "medium" (the same values as bench/client/payloads.js). Prints one JSON
line: the calls per second of each run.
"""

import datetime
import json
import sys
import threading
import time
import xmlrpc.client


def record(i):
    return {
        "id": i,
        "name": "Customer number %d" % i,
        "email": "customer%d@example.com" % i,
        "active": i % 2 == 0,
        "balance": i * 10.25 + 0.5,
        "tags": ["alpha", "beta"],
        "created": datetime.datetime(2024, 1, 1 + (i % 28), 12, 30, 0),
    }


PAYLOADS = {"small": record(1), "medium": [record(i) for i in range(68)]}


def run(url, value, concurrency, seconds):
    counts = [0] * concurrency
    start_gate = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(k):
        proxy = xmlrpc.client.ServerProxy(url, use_builtin_types=True)
        proxy.echo(value)  # open the connection before timing
        start_gate.wait()
        n = 0
        while time.monotonic() < deadline[0]:
            proxy.echo(value)
            n += 1
        counts[k] = n

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + 3600
    start_gate.wait()
    began = time.monotonic()
    deadline[0] = began + seconds
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - began)


def main():
    url, payload, concurrency, seconds, runs = sys.argv[1:6]
    value = PAYLOADS[payload]
    rates = [run(url, value, int(concurrency), float(seconds)) for _ in range(int(runs))]
    print(json.dumps(rates), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
