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
ALL_PEERS = ["sqlite", "postgres", "kuzu", "oxigraph"]


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


# Issue 10's targets. Latency and load-rate ones are relative to the best peer of the same run.
LOADER_RSS_MB = 256          # offline loader peak RSS
ONLINE_EVENTS_S = 150000     # IngestStream, one client
GRPC_OVER_INPROC_MS = 0.15   # gRPC p50 <= in-process p50 + this
THROUGHPUT_QPS = 4000        # 4 clients over gRPC, 0 failed
DISK_BYTES_PER_EVENT = 100   # growth run (10 M); shown for every run
SERVER_RSS_MB = 256          # growth run (10 M); shown for every run


def first_number(cell):
    num = ""
    for ch in cell.strip():
        if ch.isdigit() or ch == ".":
            num += ch
        elif num:
            break
    return float(num) if num else float("nan")


def number_after(text, label):
    """The number after `label` in `text` (e.g. "server peak 201 + ..."), or nan."""
    i = text.find(label)
    return first_number(text[i + len(label):]) if i >= 0 else float("nan")


def peer_rows(path):
    """The peers' table as {system: {"rate": events/s, "p50": {kind: ms}, "p95": {...}}}.
    A peer that failed (report.py's FAILED row, no numbers) is left out."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if l.startswith("| ") and not l.startswith("| System")]
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 11 or "FAILED" in cells[1]:
            continue
        row = {"rate": first_number(cells[3]), "p50": {}, "p95": {}}
        for i, k in enumerate(KINDS):
            p50, _, p95 = cells[6 + i].partition("/")
            row["p50"][k], row["p95"][k] = first_number(p50), first_number(p95)
        rows[cells[0]] = row
    return rows


def failed_peers(path):
    """Names of the peers report.py marked FAILED (timed out, crashed)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| ") and len(cells) > 1 and cells[1].startswith("FAILED"):
                rc = cells[1].split("exit ", 1)[-1].split(",")[0] if "exit " in cells[1] else "?"
                out.append("%s (%s)" % (cells[0], "timed out" if rc == "124" else "exit " + rc))
    return out


def best_peer(peers, value):
    """(value, system) of the peer with the lowest value(row), or (nan, None)."""
    got = [(value(r), name) for name, r in peers.items() if not math.isnan(value(r))]
    return min(got) if got else (float("nan"), None)


def targets(m, lat_in, lat_grpc, peers, events):
    """Rows of (target, measured vs limit, verdict) for issue 10's targets. Without
    peers the relative targets are "n/a"."""
    out = []

    def add(what, value, limit, fmt, at_most=True, note=""):
        cmp = " <= " if at_most else " >= "
        if math.isnan(value):
            out.append((what, "not measured", "n/a"))
            return
        if math.isnan(limit):
            out.append((what, (fmt % value) + cmp + "(no peers in this run)", "n/a"))
            return
        met = value <= limit if at_most else value >= limit
        out.append((what, (fmt % value) + cmp + (fmt % limit) + note,
                    "met" if met else "**missed**"))

    offline = float(m.get("inproc_rate", "nan") or "nan")
    online = float(m.get("grpc_rate", "nan") or "nan")
    best_rate, who = best_peer(peers, lambda r: -r["rate"])
    best_rate = -best_rate
    add("1. offline load (entente-admin import), events/s, >= best peer's load rate",
        offline, best_rate, "%.0f", at_most=False, note=" (%s)" % who if who else "")
    add("1. offline loader peak RSS, MB", number_after(m.get("inproc_rss", ""), "load "),
        LOADER_RSS_MB, "%.0f")
    add("2. online load (IngestStream), events/s", online, ONLINE_EVENTS_S, "%.0f",
        at_most=False)
    add("2. online load, events/s, >= best peer's load rate", online, best_rate, "%.0f",
        at_most=False, note=" (%s)" % who if who else "")
    for k in KINDS:
        in50, in95 = percentile(lat_in[k], 50), percentile(lat_in[k], 95)
        for p, v in (("p50", in50), ("p95", in95)):
            best, who = best_peer(peers, lambda r: r[p][k])
            add("3. %s in-process %s, ms, <= best peer's" % (k, p), v, best, "%.3f",
                note=" (%s; stretch, half: %s)" % (who, "met" if v <= best / 2 else "missed")
                if who else "")
    for k in KINDS:
        in50 = percentile(lat_in[k], 50)
        add("4. %s gRPC p50, ms, <= in-process p50 + %.2f" % (k, GRPC_OVER_INPROC_MS),
            percentile(lat_grpc[k], 50), in50 + GRPC_OVER_INPROC_MS, "%.3f")
        best, who = best_peer(peers, lambda r: r["p95"][k])
        add("4. %s gRPC p95, ms, <= best peer's" % k, percentile(lat_grpc[k], 95), best,
            "%.3f", note=" (%s)" % who if who else "")
    tp = m.get("throughput", "")
    qps, failed = number_after(tp, "= "), number_after(tp, "queries/s, ")
    add("5. gRPC throughput, %s clients, queries/s" % ("%.0f" % number_after(tp, "throughput: ")),
        qps, THROUGHPUT_QPS, "%.0f", at_most=False)
    add("5. gRPC throughput, failed queries", failed, 0, "%.0f")
    for key, what in (("inproc_disk_mb", "offline"), ("grpc_disk_mb", "online")):
        disk = first_number(m.get(key, "nan"))
        add("6. disk after the %s load, bytes/event" % what,
            disk * 1e6 / events if events else float("nan"), DISK_BYTES_PER_EVENT, "%.1f")
    add("6. server peak RSS (VmHWM, gRPC load and queries), MB",
        number_after(m.get("grpc_rss", ""), "server peak "), SERVER_RSS_MB, "%.0f")
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
    peers = peer_rows(args.peers) if args.peers else {}
    out.append("")
    out.append("## Targets (issue 10)%s" % (", against the peers of this run" if peers else
                                            ": no peers in this run, relative ones n/a"))
    out.append("")
    if "peers_run" in m:
        left_out = [p for p in ALL_PEERS if p not in m["peers_run"].split()]
        failed = failed_peers(args.peers) if args.peers else []
        out.append("Peers run: %s%s%s." % (
            m["peers_run"], "; left out (--peers): %s" % " ".join(left_out) if left_out else "",
            "; timed out or failed (--peer-timeout %s s): %s" % (
                m.get("peer_timeout_s", "?"), ", ".join(failed)) if failed else ""))
        out.append("")
    out.append("| target | measured vs limit | |")
    out.append("|---|---|---|")
    lat_in = latencies(os.path.join(args.out, "answers-inprocess.jsonl"))
    lat_grpc = latencies(os.path.join(args.out, "answers-grpc.jsonl"))
    for what, value, met in targets(m, lat_in, lat_grpc, peers, stats["events"]):
        out.append("| %s | %s | %s |" % (what, value, met))
    out.append("")
    out.append("Target 6 (growth) is for the 10 M synthetic run; its comparison with the 0.5 M "
               "run (load rate, hub p95) is `bench/growth_md.py`.")
    if args.peers:
        out.append("")
        out.append("## Peers, same machine (`%s`)" % args.peers)
        out.append("")
        with open(args.peers, encoding="utf-8") as f:
            out += [line.rstrip("\n") for line in f if line.startswith("|")]
    print("\n".join(out))


if __name__ == "__main__":
    main()
