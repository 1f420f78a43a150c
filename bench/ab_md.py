#!/usr/bin/env python3
"""The report of bench/ab.sh: each figure per round for both sides, the
medians and the ratio after / before of the medians.

    ab_md.py OUT BEFORE_NAME AFTER_NAME ROUNDS
"""
import re
import statistics
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rate(text):
    m = re.search(r"\(([0-9.]+) (?:events|rows)/s\)", text)
    return float(m.group(1)) if m else None


def latencies(text):
    """{kind: (p50, p95)} from entente-bench's markdown table."""
    out = {}
    for m in re.finditer(r"^\| (Q\d) \| \d+ \| ([0-9.]+) \| ([0-9.]+) \|$", text, re.M):
        out[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return out


def figures(run_dir):
    f = {}
    f["offline load, events/s"] = rate(read(run_dir + "/load-offline.txt"))
    f["online load, events/s"] = rate(read(run_dir + "/load-online.txt"))
    for mode, name in (("in-process", "query-inprocess.txt"), ("gRPC", "query-grpc.txt")):
        text = read(run_dir + "/" + name)
        for kind, (p50, p95) in sorted(latencies(text).items()):
            f["%s %s p50 ms" % (mode, kind)] = p50
            f["%s %s p95 ms" % (mode, kind)] = p95
        m = re.search(r"= ([0-9.]+) queries/s", text)
        if m:
            f["%s throughput, 4 clients, q/s" % mode] = float(m.group(1))
    m = re.search(r"server_peak_mb=([0-9]+)", read(run_dir + "/server.txt"))
    f["server peak RSS, MB"] = float(m.group(1)) if m else None
    return f


def main():
    out, before, after, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    runs = {side: [figures("%s/%s-%d" % (out, side, r)) for r in range(1, rounds + 1)]
            for side in (before, after)}
    names = list(runs[before][0].keys())
    print("| figure | %s | %s | median %s | median %s | %s / %s |" %
          (" | ".join("%s %d" % (before, r) for r in range(1, rounds + 1)),
           " | ".join("%s %d" % (after, r) for r in range(1, rounds + 1)),
           before, after, after, before))
    print("|---" * (2 * rounds + 4) + "|")
    for name in names:
        a = [r[name] for r in runs[before]]
        b = [r.get(name) for r in runs[after]]
        if any(x is None for x in a + b):
            continue
        ma, mb = statistics.median(a), statistics.median(b)
        fmt = (lambda x: "%.0f" % x) if max(a + b) >= 100 else (lambda x: "%.3f" % x)
        print("| %s | %s | %s | %s | %s | %.2f |" %
              (name, " | ".join(fmt(x) for x in a), " | ".join(fmt(x) for x in b),
               fmt(ma), fmt(mb), mb / ma if ma else float("nan")))


if __name__ == "__main__":
    main()
