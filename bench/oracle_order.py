#!/usr/bin/env python3
"""oracle_order.py sort QUERIES.jsonl OUT.jsonl
   oracle_order.py restore QUERIES.jsonl ORACLE_IN.jsonl ORACLE_OUT.jsonl

For bench/run.sh. The shared oracle.py answers each query on its own, but keeps
the graphs of its last 4 windows (Q3 directed, Q4 undirected); queries.jsonl is
shuffled, so on a large data set it rebuilds the same long-window graph again
and again (at 10 M events, ~470 M edge insertions instead of ~53 M). `sort`
writes the queries ordered by (uses a graph, directed, t0, t1, id), so that
each window's graph is built once; `restore` writes the oracle's answers back
in the order of QUERIES.jsonl, byte for byte the lines oracle.py wrote, so
oracle.jsonl is the same file as from oracle.py run on QUERIES.jsonl itself."""
import json
import sys


def key(line):
    q = json.loads(line)
    graph = q["kind"] in ("Q3", "Q4")
    return (graph, q["kind"] == "Q3", q.get("t0", ""), q.get("t1", ""), q["id"])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sort":
        with open(sys.argv[2], encoding="utf-8") as f:
            lines = [l if l.endswith("\n") else l + "\n" for l in f if l.strip()]
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.writelines(sorted(lines, key=key))
    elif len(sys.argv) == 5 and sys.argv[1] == "restore":
        with open(sys.argv[2], encoding="utf-8") as f:
            order = [json.loads(l)["id"] for l in f if l.strip()]
        answers = {}
        with open(sys.argv[3], encoding="utf-8") as f:
            for l in f:
                if l.strip():
                    answers[json.loads(l)["id"]] = l
        missing = [i for i in order if i not in answers]
        if missing or len(answers) != len(order):
            sys.exit("oracle_order.py: %d queries without an answer (%s), %d answers"
                     % (len(missing), ", ".join(missing[:5]), len(answers)))
        with open(sys.argv[4], "w", encoding="utf-8") as f:
            f.writelines(answers[i] for i in order)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
