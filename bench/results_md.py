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


# Issue 4's targets. Latency ones are relative to the best peer of the same run.
GRPC_P50_MS = {"Q1": 0.15, "Q2": 0.15, "Q3": 0.3, "Q4": 1.0, "Q5": 1.0}
ONLINE_EVENTS_S = 150000
OFFLINE_EVENTS_S = 600000
SERVER_RSS_MB = 150
DISK_MB = 40


def first_number(cell):
    num = ""
    for ch in cell.strip():
        if ch.isdigit() or ch == ".":
            num += ch
        elif num:
            break
    return float(num) if num else float("nan")


def peer_rows(path):
    """The peers' table as {system: {"p50": {kind: ms}, "p95": {...}}}."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if l.startswith("| ") and not l.startswith("| System")]
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 11:
            continue
        row = {"p50": {}, "p95": {}}
        for i, k in enumerate(KINDS):
            p50, _, p95 = cells[6 + i].partition("/")
            row["p50"][k], row["p95"][k] = first_number(p50), first_number(p95)
        rows[cells[0]] = row
    return rows


def targets(m, lat_in, lat_grpc, peers):
    """Rows of (target, measured, met) for issue 4's targets."""
    out = []

    def add(what, value, limit, fmt, at_most=True):
        met = value <= limit if at_most else value >= limit
        out.append((what, (fmt % value) + (" <= " if at_most else " >= ") + (fmt % limit),
                    "met" if met else "**missed**"))

    offline = float(m.get("inproc_rate", "0") or 0)
    online = float(m.get("grpc_rate", "0") or 0)
    add("offline load, events/s", offline, OFFLINE_EVENTS_S, "%.0f", at_most=False)
    add("online load (IngestStream), events/s", online, ONLINE_EVENTS_S, "%.0f", at_most=False)
    add("server resident after the online load, MB",
        first_number(m.get("grpc_server_after_load_mb", "nan")), SERVER_RSS_MB, "%.0f")
    add("database on disk after the offline load, MB",
        first_number(m.get("inproc_disk_mb", "nan")), DISK_MB, "%.1f")
    for k in KINDS:
        best50 = min(r["p50"][k] for r in peers.values()) if peers else float("nan")
        best95 = min(r["p95"][k] for r in peers.values()) if peers else float("nan")
        add("%s in-process p50, ms (half the best peer's)" % k, percentile(lat_in[k], 50),
            best50 / 2, "%.3f")
        add("%s in-process p95, ms (half the best peer's)" % k, percentile(lat_in[k], 95),
            best95 / 2, "%.3f")
        add("%s gRPC p50, ms" % k, percentile(lat_grpc[k], 50), GRPC_P50_MS[k], "%.3f")
        add("%s gRPC p95, ms (half the best peer's)" % k, percentile(lat_grpc[k], 95),
            best95 / 2, "%.3f")
    return out


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
        out.append("## Targets (issue 4), against the peers of this run")
        out.append("")
        out.append("| target | measured vs limit | |")
        out.append("|---|---|---|")
        lat_in = latencies(os.path.join(args.out, "answers-inprocess.jsonl"))
        lat_grpc = latencies(os.path.join(args.out, "answers-grpc.jsonl"))
        for what, value, met in targets(m, lat_in, lat_grpc, peer_rows(args.peers)):
            out.append("| %s | %s | %s |" % (what, value, met))
        out.append("")
        out.append("## Peers, same machine (`%s`)" % args.peers)
        out.append("")
        with open(args.peers, encoding="utf-8") as f:
            out += [line.rstrip("\n") for line in f if line.startswith("|")]
    print("\n".join(out))


if __name__ == "__main__":
    main()
