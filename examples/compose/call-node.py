#!/usr/bin/env python3
"""The Python client service of compose.yaml: calls the xmlrpc-ts calculator that the Node
service serves, with the standard library's xmlrpc.client (Python 3.8 or later).

    python3 call-node.py http://127.0.0.1:8001/RPC2
"""

import sys
import xmlrpc.client


def main(url):
    proxy = xmlrpc.client.ServerProxy(url)
    print("Python client -> system.listMethods() =", ", ".join(proxy.system.listMethods()))
    print("Python client -> calc.add(40, 2) =", proxy.calc.add(40, 2))
    print("Python client -> calc.subtract(7, 2) =", proxy.calc.subtract(7, 2))
    print("Python client -> calc.multiply(1.5, 4.0) =", proxy.calc.multiply(1.5, 4.0))
    print("Python client -> calc.divide(7, 2) =", proxy.calc.divide(7, 2))
    try:
        proxy.calc.divide(1, 0)
    except xmlrpc.client.Fault as fault:
        print(f"Python client -> calc.divide(1, 0) -> Fault {fault.faultCode}: {fault.faultString}")
    # Several calls in one request: a Fault in a slot is raised when that slot is read.
    multi = xmlrpc.client.MultiCall(proxy)
    multi.calc.multiply(6, 7)
    multi.calc.divide(1, 0)
    slots = []
    results = multi()
    for i in range(2):
        try:
            slots.append(repr(results[i]))
        except xmlrpc.client.Fault as fault:
            slots.append(f"Fault {fault.faultCode}: {fault.faultString}")
    print("Python client -> multicall =", ", ".join(slots))
    print("Python client: done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8001/RPC2"))
