#!/usr/bin/env python3
"""growth_md.py SMALL_RUN BIG_RUN [--label-small 0.5M] [--label-big 10M]

Puts two bench/run.sh result directories side by side for issue 10's growth
targets (10 M events against 0.5 M):

* offline load rate (entente-admin import) within 20%: big >= 0.8 x small;
* hub Q1, Q2 and Q5 p95 within 1.5x: big <= 1.5 x small, in-process and over
  gRPC (Q5 between two hubs is shown too, not as a target);
* and, on the big run alone: disk <= 100 bytes per event (offline and online
  stores), server peak RSS <= 256 MB, offline loader peak RSS <= 256 MB.

"Hub" is the workload's own label: a Q1-Q4 query whose `tier` is "hub" (one of
the 15 entities of highest degree), a Q5 query whose a or b is one of the
`hubs` listed in queries.jsonl.meta.json.  These labels are read here for the
report only.  Beside each p95 the median answer size (events, from
oracle.jsonl) of the same queries is shown: when the two runs ask different
windows of different densities, the ratio of answer sizes says how much of a
p95 ratio is the answer growing rather than the cost per answer.  With the
same queries.jsonl on both runs (bench/README.md, "Growth comparison") the
answers are identical and the ratio is the cost of the history alone.

Writes markdown to stdout; exits 0 whether or not the targets are met."""
import argparse
import hashlib
import json
import math
import os
import sys

# The report's number parsing, shared with it.
from results_md import first_number, number_after  # noqa: E402

KINDS = ["Q1", "Q2", "Q3", "Q4", "Q5"]
HUB_KINDS = ["Q1", "Q2", "Q5"]
LOAD_RATE_WITHIN = 0.20
HUB_P95_WITHIN = 1.5
DISK_BYTES_PER_EVENT = 100
RSS_MB = 256


def percentile(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    return v[max(int(math.ceil(p / 100.0 * len(v))), 1) - 1]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Run:
    def __init__(self, path, label):
        self.path, self.label = path, label
        self.m = {}
        with open(os.path.join(path, "metrics.txt"), encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                self.m[k] = v
        with open(os.path.join(path, "events.tsv.stats.json"), encoding="utf-8") as f:
            self.stats = json.load(f)
        self.queries_path = self.m.get("queries") or os.path.join(path, "queries.jsonl")
        if not os.path.exists(self.queries_path):
            raise SystemExit("growth_md: no queries file for %s (%s)" % (path, self.queries_path))
        self.queries = {q["id"]: q for q in read_jsonl(self.queries_path)}
        meta_path = self.queries_path + ".meta.json"
        self.hubs = None
        if os.path.exists(meta_path):
            with open(meta_path, encoding="utf-8") as f:
                self.hubs = set(json.load(f).get("hubs", [])) or None
        self.oracle = {a["id"]: a["answer"] for a in read_jsonl(os.path.join(path, "oracle.jsonl"))}
        self.ms = {}
        for mode, fn in (("in-process", "answers-inprocess.jsonl"), ("gRPC", "answers-grpc.jsonl")):
            p = os.path.join(path, fn)
            self.ms[mode] = {a["id"]: a["ms"] for a in read_jsonl(p)} if os.path.exists(p) else {}

    def is_hub(self, q, both=False):
        if q["kind"] == "Q5":
            if self.hubs is None:
                return False
            ends = (q["a"] in self.hubs, q["b"] in self.hubs)
            return all(ends) if both else any(ends)
        return q.get("tier") == "hub"

    def hub_ids(self, kind, both=False):
        return [i for i, q in self.queries.items()
                if q["kind"] == kind and self.is_hub(q, both)]

    def p95(self, mode, ids):
        return percentile([self.ms[mode][i] for i in ids if i in self.ms[mode]], 95)

    def median_size(self, ids):
        sizes = [self.oracle[i].get("count", 0) for i in ids if i in self.oracle]
        return percentile(sizes, 50)

    def num(self, key):
        return first_number(self.m.get(key, "nan") or "nan")


def verdict(ok):
    return "met" if ok else "**missed**"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("small", help="bench/run.sh --out directory of the small run (0.5 M)")
    ap.add_argument("big", help="bench/run.sh --out directory of the big run (10 M)")
    ap.add_argument("--label-small", default="0.5 M")
    ap.add_argument("--label-big", default="10 M")
    args = ap.parse_args()
    S, B = Run(args.small, args.label_small), Run(args.big, args.label_big)

    out = ["# Growth: %s against %s events" % (B.label, S.label), ""]
    for r in (S, B):
        st = r.stats
        out.append("- %s: `%s`, %d events, %d entities, %s..%s, %d duplicate lines; queries `%s`"
                   % (r.label, r.path, st["events"], st["entities"], st.get("first_date"),
                      st.get("last_date"), st.get("duplicate_lines", 0), r.queries_path))
    same = sha256(S.queries_path) == sha256(B.queries_path)
    same_answers = same and all(S.oracle.get(i) == B.oracle.get(i) for i in S.queries)
    out.append("- Queries: %s." % (
        "the same file on both runs%s" % (
            ", and the oracle's answers are identical: every ratio below is the cost of the "
            "history alone" if same_answers else
            " (answers differ between the data sets)")
        if same else "each run's own workload; compare the answer sizes too"))
    out.append("")
    out.append("| | %s | %s | ratio | target | |" % (S.label, B.label))
    out.append("|---|---|---|---|---|---|")

    def row(what, a, b, fmt, target, ok):
        ratio = b / a if a and not math.isnan(a) and not math.isnan(b) else float("nan")
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            what, fmt % a if not math.isnan(a) else "-", fmt % b if not math.isnan(b) else "-",
            "%.2f" % ratio if not math.isnan(ratio) else "-", target,
            "" if ok is None else ("n/a" if math.isnan(ratio) else verdict(ok(ratio)))))

    row("offline load (entente-admin import), events/s", S.num("inproc_rate"),
        B.num("inproc_rate"), "%.0f", "within 20%% (ratio >= %.2f)" % (1 - LOAD_RATE_WITHIN),
        lambda r: r >= 1 - LOAD_RATE_WITHIN)
    row("online load (IngestStream), events/s", S.num("grpc_rate"), B.num("grpc_rate"), "%.0f",
        "", None)
    for k in KINDS:
        si, bi = S.hub_ids(k), B.hub_ids(k)
        target = k in HUB_KINDS
        for mode in ("in-process", "gRPC"):
            row("hub %s p95 %s, ms (%d / %d queries)" % (k, mode, len(si), len(bi)),
                S.p95(mode, si), B.p95(mode, bi), "%.2f",
                "<= %.1fx" % HUB_P95_WITHIN if target else "(not a target)",
                (lambda r: r <= HUB_P95_WITHIN) if target else None)
        if k != "Q4":
            row("hub %s median answer size, %s" % (k, "entities" if k == "Q3" else "events"),
                S.median_size(si), B.median_size(bi), "%.0f", "", None)
        if k == "Q5":
            si, bi = S.hub_ids(k, both=True), B.hub_ids(k, both=True)
            for mode in ("in-process", "gRPC"):
                row("Q5 between two hubs, p95 %s, ms (%d / %d queries)" % (mode, len(si), len(bi)),
                    S.p95(mode, si), B.p95(mode, bi), "%.2f", "(not a target)", None)
            row("Q5 between two hubs, median answer size, events", S.median_size(si),
                B.median_size(bi), "%.0f", "", None)
    out.append("")
    out.append("%s run alone:" % B.label)
    out.append("")
    out.append("| | measured | limit | |")
    out.append("|---|---|---|---|")
    ev = B.stats["events"]
    for key, what in (("inproc_disk_mb", "offline"), ("grpc_disk_mb", "online")):
        v = B.num(key) * 1e6 / ev
        out.append("| disk after the %s load, bytes/event | %.1f | %d | %s |" % (
            what, v, DISK_BYTES_PER_EVENT, "n/a" if math.isnan(v) else verdict(v <= DISK_BYTES_PER_EVENT)))
    for what, v in (("server peak RSS (VmHWM), MB", number_after(B.m.get("grpc_rss", ""), "server peak ")),
                    ("offline loader peak RSS, MB", number_after(B.m.get("inproc_rss", ""), "load "))):
        out.append("| %s | %.0f | %d | %s |" % (what, v, RSS_MB,
                                                "n/a" if math.isnan(v) else verdict(v <= RSS_MB)))
    out.append("")
    out.append("Hub: Q1-Q4 queries whose `tier` is \"hub\" (workload.py's top 15 entities by "
               "degree); Q5 queries with a or b among the `hubs` of queries.jsonl.meta.json%s. "
               "p95 is nearest-rank over those queries only." % (
                   "" if S.hubs and B.hubs else " (missing for a run: its Q5 row is empty)"))
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
