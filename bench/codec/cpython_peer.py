"""CPython's xmlrpc.client measured on the bench's documents (stdlib only).

Usage: python3 cpython_peer.py MANIFEST.json
The manifest lists workloads: {"workloads": [{"name", "kind", "path"}], "minRuns", "maxRuns",
"budgetMs", "minSampleMs"}. Each document is read from its file; `loads` (bytes -> values) and `dumps`
(the values `loads` gave -> str) are timed here with perf_counter, with the same warm-up and
median rules as the JS side. Prints one JSON object on stdout.
"""
import gc
import json
import sys
import time
import platform
import xmlrpc.client as xc


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def time_median(fn, min_runs, max_runs, budget_ms, min_sample_ms):
    t0 = time.perf_counter()
    fn()
    one = (time.perf_counter() - t0) * 1000
    if one < 100:
        calls = 0
        t0 = time.perf_counter()
        until = t0 + 0.3
        while time.perf_counter() < until or calls < 3:
            fn()
            calls += 1
        one = (time.perf_counter() - t0) * 1000 / calls
    reps = max(1, int(-(-min_sample_ms // max(one, 1e-3))))
    samples = []
    gc.collect()  # as the JS side: a clean start, then samples back to back
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs or (time.perf_counter() - start) * 1000 < budget_ms):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t) * 1000 / reps)
    return {"ms": median(samples), "runs": len(samples), "reps": reps}


def failure(e):
    return {"error": type(e).__name__ + ": " + str(e)[:120]}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    rules = (manifest.get("minRuns", 3), manifest.get("maxRuns", 7), manifest.get("budgetMs", 3000), manifest.get("minSampleMs", 150))
    out = {"python": platform.python_version(), "results": {}}
    for w in manifest["workloads"]:
        with open(w["path"], "rb") as f:
            data = f.read()
        res = {}
        loads = lambda: xc.loads(data, use_builtin_types=True)
        try:
            res["decode"] = time_median(loads, *rules)
        except (Exception, RecursionError) as e:  # a peer that cannot read a workload is reported, not fatal
            res["decode"] = failure(e)
        try:
            params, method = loads()
            if w["kind"] == "call":
                dump = lambda: xc.dumps(params, method, allow_none=True)
            else:
                dump = lambda: xc.dumps(params, methodresponse=True, allow_none=True)
            size = len(dump().encode("utf-8"))
            res["encode"] = time_median(dump, *rules)
            res["encode"]["bytes"] = size
        except (Exception, RecursionError) as e:
            res["encode"] = failure(e)
        out["results"][w["name"]] = res
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
