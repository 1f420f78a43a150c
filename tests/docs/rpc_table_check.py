#!/usr/bin/python3
"""docs/protocol.md's table "Every RPC" against proto/entente/v1/*.proto.

    /usr/bin/python3 tests/docs/rpc_table_check.py SOURCE_DIR

Fails, naming them, when an RPC of the protos is missing from the table, when
the table lists an entente.v1 RPC the protos do not define, or when a row's
kind (unary, client/server/bidirectional stream) is not the RPC's. The table
once listed 4 of GraphService's RPCs while the protos defined 14.
"""

import glob
import os
import re
import sys

RPC = re.compile(r"^\s*rpc\s+(\w+)\s*\(\s*(stream\s+)?[\w.]+\s*\)\s*returns\s*\(\s*(stream\s+)?",
                 re.M)
SERVICE = re.compile(r"^service\s+(\w+)\s*\{(.*?)^\}", re.M | re.S)
ROW = re.compile(r"^\|\s*`([\w.]+)\.(\w+)`\s*\|\s*([^|]+?)\s*\|", re.M)


def kind(client_stream, server_stream):
    if client_stream and server_stream:
        return "bidirectional stream"
    if client_stream:
        return "client stream"
    if server_stream:
        return "server stream"
    return "unary"


def main(source_dir):
    defined = {}
    for path in sorted(glob.glob(os.path.join(source_dir, "proto", "entente", "v1", "*.proto"))):
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"//[^\n]*", "", f.read())
        for service, body in SERVICE.findall(text):
            for name, cs, ss in RPC.findall(body):
                defined[f"{service}.{name}"] = kind(bool(cs), bool(ss))
    if len(defined) < 10:
        return [f"found only {len(defined)} RPCs in proto/entente/v1: the parser is broken"]
    with open(os.path.join(source_dir, "docs", "protocol.md"), encoding="utf-8") as f:
        doc = f.read()
    table = doc.split("## Every RPC", 1)
    if len(table) != 2:
        return ['docs/protocol.md has no section "## Every RPC"']
    rows = ROW.findall(table[1].split("\n## ", 1)[0])
    listed = {f"{s}.{r}": k for s, r, k in rows}
    # entente.v1's services are named without a package; grpc.health.v1...
    # and reflection rows are not ours to check.
    ours = {f"{s}.{r}" for s, r, _ in rows if "." not in s}
    problems = []
    for rpc, k in sorted(defined.items()):
        if rpc not in listed:
            problems.append(f"{rpc} ({k}) is not in docs/protocol.md's table")
        elif listed[rpc] != k:
            problems.append(f"{rpc}: the table says {listed[rpc]}, the proto {k}")
    for rpc in sorted(ours - set(defined)):
        problems.append(f"{rpc} is in the table but not in proto/entente/v1")
    print(f"{len(defined)} RPCs in proto/entente/v1, {len(listed)} rows in the table")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = main(sys.argv[1])
    for p in found:
        print("FAIL:", p)
    sys.exit(1 if found else 0)
