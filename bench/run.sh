#!/usr/bin/env bash
# Entente on the shared ICEWS benchmark (../shared/bench/README.md), end to end.
#
#   bench/run.sh --data PATH [--queries FILE [--oracle FILE]] --out DIR [--skip-peers]
#                [--peers LIST] [--peer-timeout SECONDS] [--per-kind N]
#
#   --data PATH     dataset: a file or a directory of train/valid/test splits
#   --queries FILE  an existing queries.jsonl (default: workload.py, seed 42, 150 per kind);
#                   the peers answer the same file
#   --oracle FILE   oracle.py's answers to --queries on this same data, computed before:
#                   skips oracle.py (minutes at 10 M events); its ids must be the queries'
#   --out DIR       work and result directory (created; databases go in it too)
#   --skip-peers    do not run the shared peers (SQLite, PostgreSQL, Kuzu, Oxigraph)
#   --peers LIST    run only these peers, e.g. "sqlite postgres kuzu" (default all four);
#                   results.md names the ones left out
#   --peer-timeout SECONDS
#                   stop a peer after this long (run_peers.sh's PEER_TIMEOUT, default 900);
#                   results.md names a peer that timed out or failed
#   --per-kind N    queries per kind when workload.py writes them (default 150)
#
# Steps: build entente-bench, entente-server and entente-admin (cmake, as the
# Makefile); prep_data.py -> DIR/events.tsv; workload.py -> DIR/queries.jsonl;
# oracle.py; offline bulk load (entente-admin import) then in-process queries
# (entente-bench query) and check.py; online load through IngestStream into an
# entente-server on 127.0.0.1 (entente-bench grpc-load), queries over gRPC
# (grpc-query, with a 4-client throughput phase) and check.py; both modes on the hand-made
# conformance set; then DIR/results.md, with the peers' table from the same
# machine unless --skip-peers. Exits non-zero if any check fails.
#
# Environment: ENTENTE_SHARED (default REPO/../shared), BUILD (default
# REPO/build-bench), JOBS (default nproc), CLIENTS (default 4).
#
# At 10 M events (bench/gen_synthetic.py; bench/README.md, "Synthetic data"), the
# shared prep_data.py, workload.py and oracle.py hold the data set in memory (1.4,
# 7.2 and 4.6 GB) and take minutes to an hour; the peers' run repeats prep and
# oracle. Make queries and oracle once and pass --queries and --oracle.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ENTENTE_SHARED:-$REPO/../shared}
SB=$SHARED/bench
BUILD=${BUILD:-$REPO/build-bench}
JOBS=${JOBS:-$(nproc)}
CLIENTS=${CLIENTS:-4}
ALL_PEERS="sqlite postgres kuzu oxigraph"
DATA="" QUERIES="" ORACLE="" OUT="" SKIP_PEERS=0 PEERS=$ALL_PEERS PEER_TIMEOUT=900 PER_KIND=150
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || case $1 in --skip-peers|-h|--help) ;; *) echo "run.sh: $1 needs a value" >&2; exit 2 ;; esac
  case $1 in
    --data) DATA=$2; shift 2 ;;
    --queries) QUERIES=$2; shift 2 ;;
    --oracle) ORACLE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --skip-peers) SKIP_PEERS=1; shift ;;
    --peers) PEERS=$2; shift 2 ;;
    --peer-timeout) PEER_TIMEOUT=$2; shift 2 ;;
    --per-kind) PER_KIND=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$DATA" ] && [ -n "$OUT" ] || { usage >&2; exit 2; }
[ -f "$SB/oracle.py" ] || { echo "run.sh: no shared bench in $SB (set ENTENTE_SHARED)" >&2; exit 2; }
DATA=$(realpath "$DATA")
[ -z "$QUERIES" ] || QUERIES=$(realpath "$QUERIES")
[ -z "$ORACLE" ] || [ -n "$QUERIES" ] || { echo "run.sh: --oracle needs --queries" >&2; exit 2; }
[ -z "$ORACLE" ] || ORACLE=$(realpath "$ORACLE")
for p in $PEERS; do
  case " $ALL_PEERS " in *" $p "*) ;; *) echo "run.sh: unknown peer $p (--peers: $ALL_PEERS)" >&2; exit 2 ;; esac
done
[[ $PEER_TIMEOUT =~ ^[0-9]+$ ]] || { echo "run.sh: --peer-timeout wants seconds" >&2; exit 2; }
[[ $PER_KIND =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --per-kind wants a positive number" >&2; exit 2; }
mkdir -p "$OUT"; OUT=$(realpath "$OUT")
METRICS=$OUT/metrics.txt; : > "$METRICS"
CHECKS=$OUT/checks.txt; : > "$CHECKS"
FAILED=0
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true' EXIT

SERVER_BIN=$BUILD/server/entente-server
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
metric() { echo "$1=$2" >> "$METRICS"; }

# inprocess TAG EVENTS QUERIES ORACLE: bulk-load offline, then query and check
# in-process.
inprocess() {
  local tag=$1 db=$OUT/db-inprocess$1
  rm -rf "$db"
  log "offline bulk load$tag"
  /usr/bin/time -v -o "$OUT/load-inprocess$tag.time" \
    "$BUILD/server/entente-admin" import --data "$db" "$2" | tee "$OUT/load-inprocess$tag.txt"
  log "in-process queries$tag"
  /usr/bin/time -v -o "$OUT/query-inprocess$tag.time" "$BUILD/bench/entente-bench" query \
    --data "$db" --queries "$3" --out "$OUT/answers-inprocess$tag.jsonl" \
    | tee "$OUT/query-inprocess$tag.txt"
  check "in-process$tag" "$4" "$OUT/answers-inprocess$tag.jsonl"
  [ -n "$tag" ] && return 0
  metric inproc_load_s "$(load_secs "$OUT/load-inprocess.txt")"
  metric inproc_rate "$(load_rate "$OUT/load-inprocess.txt")"
  metric inproc_disk_mb "$(mb "$db")"
  local a b; a=$(max_rss_mb "$OUT/load-inprocess.time"); b=$(max_rss_mb "$OUT/query-inprocess.time")
  metric inproc_rss "$(( a > b ? a : b )) (load $a, query $b)"
}

# overgrpc TAG EVENTS QUERIES ORACLE CLIENTS: the same through entente-server.
overgrpc() {
  local tag=$1 db=$OUT/db-grpc$1
  log "gRPC load$tag"
  start_server "$db" "$OUT/server$tag.log"
  "$BUILD/bench/entente-bench" grpc-load --server "$ADDR" "$2" | tee "$OUT/load-grpc$tag.txt"
  local rss_load; rss_load=$(vm_mb "$SERVER_PID" VmRSS)
  local disk; disk=$(mb "$db")
  log "gRPC queries$tag"
  /usr/bin/time -v -o "$OUT/query-grpc$tag.time" "$BUILD/bench/entente-bench" grpc-query \
    --server "$ADDR" --queries "$3" --out "$OUT/answers-grpc$tag.jsonl" --clients "$5" \
    | tee "$OUT/query-grpc$tag.txt"
  local rss_end hwm client
  rss_end=$(vm_mb "$SERVER_PID" VmRSS); hwm=$(vm_mb "$SERVER_PID" VmHWM)
  client=$(max_rss_mb "$OUT/query-grpc$tag.time")
  stop_server
  check "gRPC$tag" "$4" "$OUT/answers-grpc$tag.jsonl"
  [ -n "$tag" ] && return 0
  metric grpc_load_s "$(load_secs "$OUT/load-grpc.txt")"
  metric grpc_rate "$(load_rate "$OUT/load-grpc.txt")"
  metric grpc_disk_mb "$disk"
  metric grpc_server_after_load_mb "$rss_load"
  metric grpc_rss "$((hwm + client)) (server peak $hwm + client $client; server after load $rss_load, at end $rss_end)"
  metric throughput "$(grep '^throughput:' "$OUT/query-grpc.txt" || echo none)"
}

log "build ($BUILD)"
[ -f "$BUILD/build.ninja" ] || cmake -S "$REPO" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$OUT/configure.log"
cmake --build "$BUILD" -j "$JOBS" --target entente-bench entente-server entente-admin > "$OUT/build.log" \
  || { cat "$OUT/build.log" >&2; exit 1; }

log "prep, workload, oracle"
python3 "$SB/prep_data.py" "$DATA" "$OUT/events.tsv"
if [ -z "$QUERIES" ]; then
  python3 "$SB/workload.py" "$OUT/events.tsv" --seed 42 --per-kind "$PER_KIND" --out "$OUT/queries.jsonl"
  QUERIES=$OUT/queries.jsonl
fi
metric queries "$QUERIES"
if [ -n "$ORACLE" ]; then
  # The same ids, in any order: an oracle of other queries would fail every check anyway,
  # this says why.
  python3 - "$QUERIES" "$ORACLE" <<'PY' || exit 2
import json, sys
ids = [sorted(json.loads(l)["id"] for l in open(p, encoding="utf-8") if l.strip()) for p in sys.argv[1:]]
if ids[0] != ids[1]:
    sys.exit("run.sh: --oracle %s does not answer the queries of %s" % (sys.argv[2], sys.argv[1]))
PY
  [ "$ORACLE" = "$OUT/oracle.jsonl" ] || cp "$ORACLE" "$OUT/oracle.jsonl"
  echo "oracle: reused $ORACLE" >&2
else
  # oracle.py keeps the graphs of its last 4 windows; in file order Q3/Q4 windows alternate,
  # so at 10 M events it would rebuild a full-range graph (tens of seconds) for each such
  # query. It answers each query on its own, so it is given them sorted by window, and its
  # answers are put back in the queries' order: the same oracle.jsonl, in minutes.
  python3 "$REPO/bench/oracle_order.py" sort "$QUERIES" "$OUT/queries.by-window.jsonl"
  python3 "$SB/oracle.py" "$OUT/events.tsv" "$OUT/queries.by-window.jsonl" --out "$OUT/oracle.by-window.jsonl"
  python3 "$REPO/bench/oracle_order.py" restore "$QUERIES" "$OUT/oracle.by-window.jsonl" "$OUT/oracle.jsonl"
  rm -f "$OUT/queries.by-window.jsonl" "$OUT/oracle.by-window.jsonl"
fi

inprocess "" "$OUT/events.tsv" "$QUERIES" "$OUT/oracle.jsonl"
overgrpc "" "$OUT/events.tsv" "$QUERIES" "$OUT/oracle.jsonl" "$CLIENTS"

log "conformance set"
# make_edge.py writes beside itself and the shared folder is read-only: copy it.
EDGE=$OUT/edge; rm -rf "$EDGE"; cp -r "$SB/conformance" "$EDGE"
python3 "$EDGE/make_edge.py"
python3 "$SB/prep_data.py" "$EDGE/edge_events.tsv" "$EDGE/events.tsv"
python3 "$SB/oracle.py" "$EDGE/events.tsv" "$EDGE/edge_queries.jsonl" --out "$EDGE/oracle.jsonl"
inprocess -edge "$EDGE/events.tsv" "$EDGE/edge_queries.jsonl" "$EDGE/oracle.jsonl"
overgrpc -edge "$EDGE/events.tsv" "$EDGE/edge_queries.jsonl" "$EDGE/oracle.jsonl" 1

PEERS_MD=""
if [ "$SKIP_PEERS" = 0 ]; then
  log "peers ($PEERS; at most $PEER_TIMEOUT s each)"
  metric peers_run "$PEERS"
  metric peer_timeout_s "$PEER_TIMEOUT"
  rm -rf /tmp/peer-bench "$OUT/peers" && cp -r "$SB" /tmp/peer-bench
  PEER_WORK=/tmp/peerbench STAMP=$(date -u +%Y-%m-%d)
  # The peers answer the same queries.jsonl as Entente (run_peers.sh copies it and skips
  # its own workload.py).
  if QUERIES="$QUERIES" PEERS="$PEERS" PEER_TIMEOUT="$PEER_TIMEOUT" RESULTS="$OUT/peers" \
      WORK=$PEER_WORK /tmp/peer-bench/run_peers.sh "$DATA" > "$OUT/peers.log" 2>&1; then :; else
    echo "run.sh: the peers' run failed, see $OUT/peers.log" >&2; FAILED=1
  fi
  # run_peers.sh copies QUERIES but not the queries.jsonl.meta.json beside it, which its
  # report.py reads: without it there is no report. Supply it and make the report here.
  if [ -f "$PEER_WORK/answers.jsonl" ] && [ ! -f "$PEER_WORK/queries.jsonl.meta.json" ]; then
    if [ -f "$QUERIES.meta.json" ]; then
      cp "$QUERIES.meta.json" "$PEER_WORK/queries.jsonl.meta.json"
    else  # not workload.py's: seed unknown (-1)
      python3 - "$QUERIES" > "$PEER_WORK/queries.jsonl.meta.json" <<'PY'
import collections, json, sys
kinds = collections.Counter(json.loads(l)["kind"] for l in open(sys.argv[1], encoding="utf-8") if l.strip())
print(json.dumps({"seed": -1, "per_kind": max(kinds.values()), "queries": sum(kinds.values())}))
PY
    fi
    mkdir -p "$OUT/peers/peers-$STAMP"
    python3 /tmp/peer-bench/report.py "$PEER_WORK" "$OUT/peers/peers-$STAMP.md" $PEERS \
      >> "$OUT/peers.log" 2>&1 || echo "run.sh: the peers' report failed, see $OUT/peers.log" >&2
    cp "$PEER_WORK/queries.jsonl.meta.json" "$OUT/peers/peers-$STAMP/"
  fi
  PEERS_MD=$(ls -t "$OUT"/peers/peers-*.md 2>/dev/null | head -1) || true
  [ -n "$PEERS_MD" ] || { echo "run.sh: no peers' report, see $OUT/peers.log" >&2; FAILED=1; }
  # A peer stopped by PEER_TIMEOUT exits 124 (timeout(1)); report.py marks it FAILED.
  for p in $PEERS; do
    rc=$(cat "$PEER_WORK/out/$p/rc" 2>/dev/null || echo "?")
    [ "$rc" = 0 ] || metric "peer_rc_$p" "$rc"
  done
fi
log "report"

python3 "$REPO/bench/results_md.py" --out "$OUT" --data "$DATA" --queries "$QUERIES" \
  --peers "$PEERS_MD" > "$OUT/results.md"
cat "$OUT/results.md"
exit $FAILED
