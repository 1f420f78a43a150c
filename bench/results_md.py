#!/usr/bin/env python3
"""Writes results.md for bench/run.sh from what it left in --out: metrics.txt,
checks.txt, answers-{inprocess,grpc}.jsonl (latencies), events.tsv.stats.json,
and, when given, the peers' report, whose table is appended so that every row
comes from the same machine and run."""
import argparse
import json
import math
import os
import platform

KINDS = ["Q1", "Q2", "Q3", "Q4", "Q5"]


def percentile(v, p):
    v = sorted(v)
    if not v:
        return 0.0
    return v[max(int(math.ceil(p / 100.0 * len(v))), 1) - 1]


def latencies(path):
    per = {k: [] for k in KINDS}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                per[a["kind"]].append(a["ms"])
    return per


def check_of(checks, name):
    line = checks.get(name, "not run")
    return line.split(" correct")[0] if " correct" in line else line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--peers", default="")
    args = ap.parse_args()
    m = {}
    with open(os.path.join(args.out, "metrics.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            m[k] = v
    checks = {}
    with open(os.path.join(args.out, "checks.txt"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(": ")
            checks[k] = v
    with open(os.path.join(args.out, "events.tsv.stats.json"), encoding="utf-8") as f:
        stats = json.load(f)

    out = ["# Entente on the shared ICEWS benchmark", ""]
    out.append("Dataset: `%s` (%d events, %d entities; events.tsv sha256 `%s`). Queries: `%s`. "
               "Machine: %s, %d cores." % (args.data, stats["events"], stats["entities"],
                                           stats.get("sha256", "?"), args.queries,
                                           platform.platform(), os.cpu_count()))
    out.append("")
    out.append("Latencies in ms, p50 / p95 (nearest rank) over one timed pass in file order after "
               "an untimed warm-up of the first 10 queries of each kind; timed until every row is "
               "in client memory (sorting and hashing not timed).")
    out.append("")
    out.append("| System | Access | Load s | Events/s | Peak RSS MB | Disk MB | "
               + " | ".join("%s p50 / p95" % k for k in KINDS) + " | Correct | Edge cases |")
    out.append("|---" * 13 + "|")
    rows = [("Entente in-process", "loaded offline (entente-admin import); queries embedded (GraphReader, same process)", "inproc",
             "answers-inprocess.jsonl", "in-process"),
            ("Entente gRPC", "loaded online (IngestStream); queries over gRPC, TCP 127.0.0.1, 1 client", "grpc",
             "answers-grpc.jsonl", "gRPC")]
    for name, access, key, answers, check in rows:
        lat = latencies(os.path.join(args.out, answers))
        cells = [name, access, m.get(key + "_load_s", "?"),
                 "%.0f" % float(m.get(key + "_rate", "0") or 0),
                 m.get(key + "_rss", "?"), m.get(key + "_disk_mb", "?")]
        cells += ["%.2f / %.2f" % (percentile(lat[k], 50), percentile(lat[k], 95)) for k in KINDS]
        cells += [check_of(checks, check), check_of(checks, check + "-edge")]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("- Load s / Events/s: the loader's own wall time, from the empty store (opened) to "
               "every event, index entry and summary in the database: offline, `entente-admin "
               "import` (SST files ingested); online, every batch acknowledged by the server "
               "(IngestStream, batches of 10,000).")
    out.append("- Peak RSS: in-process, `/usr/bin/time -v` maximum RSS of the larger of the load "
               "and query processes; gRPC, the server's VmHWM (from /proc) plus the query "
               "client's maximum RSS.")
    out.append("- Disk: `du -sb` of the RocksDB directory after the load, in 10^6 bytes.")
    out.append("- gRPC %s (answers of this phase not kept)." % m.get("throughput", "throughput: not run"))
    out.append("")
    out.append("## Checks")
    out.append("")
    for k, v in checks.items():
        out.append("- %s: %s" % (k, v))
    if args.peers:
        out.append("")
        out.append("## Peers, same machine (`%s`)" % args.peers)
        out.append("")
        with open(args.peers, encoding="utf-8") as f:
            out += [line.rstrip("\n") for line in f if line.startswith("|")]
    print("\n".join(out))


if __name__ == "__main__":
    main()
