#!/usr/bin/python3
"""What roll-up costs: the same timelines, neighbourhoods and profiles with
and without --rollup country, over gRPC, against a running entente-server.

    bench/rollup_cost.py --server 127.0.0.1:50051 [--repeat 15]
                         [--pairs "Russia|China,Russia|North Korea"]
                         [--entities "Russia,China"] [--out FILE.md]

Each query runs `repeat` times per side, the sides alternated so that this
machine's noise falls on both; the table gives each side's median, the
ratio, and how much the answer holds (statements, nodes), since a rolled-up
answer is a bigger one. Run it on a server holding ICEWS05-15 (bench/run.sh
or entente-admin import, then entente-server, which fills the memberships
that "Sector (Country)" names imply when it opens the store).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "clients", "python"))
import entente_client  # noqa: E402


def timed(fn, repeat):
    """Median milliseconds of `repeat` calls of fn, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def timeline_size(r):
    return sum(b.total for b in r.buckets)


def traverse(client, entity, rollup):
    nodes = edges = 0
    for chunk in client.traverse([entity], max_depth=1, rollup=rollup):
        nodes += len(chunk.nodes)
        edges += len(chunk.edges)
    return nodes, edges


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--server", required=True)
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--pairs", default="Russia|North Korea,Russia|China,United States|Russia")
    p.add_argument("--entities", default="Russia,North Korea,China")
    p.add_argument("--out")
    a = p.parse_args()
    client = entente_client.Client(a.server, options=[("grpc.enable_http_proxy", 0)],
                                   timeout=120)
    client.wait_ready()
    rows = []
    cases = []
    for pair in a.pairs.split(","):
        x, y = pair.split("|")
        cases.append((f"timeline {x} / {y} by month",
                      lambda r, x=x, y=y: client.relation_timeline(x, y, rollup=r),
                      lambda res: f"{timeline_size(res)} statements"))
    for e in a.entities.split(","):
        cases.append((f"neighbours of {e} (depth 1)",
                      lambda r, e=e: traverse(client, e, r),
                      lambda res: f"{res[0]} nodes, {res[1]} edges"))
        cases.append((f"profile of {e}",
                      lambda r, e=e: client.entity_profile(e, top=10, rollup=r),
                      lambda res: f"{res.out_statements + res.in_statements} statements"))
    for name, fn, size in cases:
        fn(None), fn("country")  # warm the caches alike
        plain, rolled = [], []
        for _ in range(a.repeat):
            plain.append(timed(lambda: fn(None), 1)[0])
            rolled.append(timed(lambda: fn("country"), 1)[0])
        p_ms, r_ms = statistics.median(plain), statistics.median(rolled)
        rows.append((name, p_ms, size(fn(None)), r_ms, size(fn("country")), r_ms / p_ms))
    lines = ["| query | plain ms | plain answer | rollup country ms | rolled-up answer | ratio |",
             "|---|---|---|---|---|---|"]
    for name, p_ms, p_size, r_ms, r_size, ratio in rows:
        lines.append(f"| {name} | {p_ms:.2f} | {p_size} | {r_ms:.2f} | {r_size} | {ratio:.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
