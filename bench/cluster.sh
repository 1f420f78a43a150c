#!/usr/bin/env bash
# Replicated Entente (issue 15, docs/scaling.md) against one embedded server,
# in one run on this machine, so that only the ratios mean anything.
#
#   bench/cluster.sh --data PATH --out DIR [--batch N] [--clients N] [--per-kind N]
#
#   --data PATH     dataset for the shared prep_data.py (a file or a directory of
#                   ICEWS splits), e.g. ../shared/data/icews14
#   --out DIR       work and result directory (created); DIR/results.md at the end
#   --batch N       statements per IngestStream message (entente-bench grpc-load;
#                   default 1000)
#   --clients N     concurrent query clients in every read phase (default 4)
#   --per-kind N    queries per kind written by the shared workload.py (default 40)
#
# Phases, each on fresh databases:
#   1. single: one entente-server without --replication; grpc-load, then
#      grpc-query with N clients (the reference).
#   2. replicated: three nats-server (JetStream, R3, clustered on 127.0.0.1) and
#      three entente-server with --replication; the same grpc-load through node 1
#      (every node applies every entry).
#   2b. the same rows into a second stream with three fresh nodes, a third through
#      each node at once; those nodes are stopped after.
#   3. reads on phase 2's nodes (the same data as phase 1): N clients on node 1;
#      N/2 each on nodes 1 and 2; N/3 each on nodes 1-3 (queries/s summed over
#      the processes).
#   4. catch-up: a fourth node started empty on phase 2's stream; seconds until
#      its health check answers SERVING with --max_lag 1 (caught up to one entry),
#      i.e. the apply rate of a node replaying the log.
#
# Environment: ENTENTE_SHARED (default REPO/../shared), BUILD (default REPO/build),
# NATS_SERVER (default nats-server), SETTLE (seconds between a load and the reads
# after it, default 10), READ_SECONDS (length of each read phase, default 8).
#
# Each read phase runs grpc-query --seconds (the workload's queries round and round)
# against every node at once; the clients are split between the nodes (4 over 3: 2, 1, 1) and queries/s are summed.
# On a machine whose cores the clients share with the servers, the reads of
# several replicas cannot exceed one node's: the figure shows the cost of
# spreading, not the gain of real machines (docs/scaling.md).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ENTENTE_SHARED:-$REPO/../shared}
SB=$SHARED/bench
BUILD=${BUILD:-$REPO/build}
NATS_SERVER=${NATS_SERVER:-nats-server}
SETTLE=${SETTLE:-10}  # seconds between a load and the reads measured after it
READ_SECONDS=${READ_SECONDS:-8}  # each read phase
DATA="" OUT="" BATCH=1000 CLIENTS=4 PER_KIND=40
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
  esac
  [ $# -ge 2 ] || { echo "cluster.sh: $1 needs a value (--help)" >&2; exit 2; }
  case $1 in
    --data) DATA=$2 ;;
    --out) OUT=$2 ;;
    --batch) BATCH=$2 ;;
    --clients) CLIENTS=$2 ;;
    --per-kind) PER_KIND=$2 ;;
    *) echo "cluster.sh: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$DATA" ] && [ -n "$OUT" ] || { echo "cluster.sh: --data and --out are required (--help)" >&2; exit 2; }
for n in "$BATCH" "$CLIENTS" "$PER_KIND"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "cluster.sh: '$n' is not a positive number" >&2; exit 2; }
done
command -v "$NATS_SERVER" > /dev/null || { echo "cluster.sh: $NATS_SERVER not found (deploy/install-deps.sh)" >&2; exit 1; }

SERVER_BIN=$BUILD/server/entente-server
BENCH_BIN=$BUILD/bench/entente-bench
HEALTH_BIN=$BUILD/server/entente-healthcheck
for b in "$SERVER_BIN" "$BENCH_BIN" "$HEALTH_BIN"; do
  [ -x "$b" ] || { echo "cluster.sh: $b missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
T0=$(date +%s)
log() { echo "== $* (at $(( $(date +%s) - T0 )) s)" >&2; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_entente NAME [FLAG...]: a server on a fresh database; sets ADDR_<NAME>.
start_entente() {
  local name=$1; shift
  local db=$OUT/db-$name logfile=$OUT/server-$name.log
  rm -rf "$db"
  "$SERVER_BIN" --data "$db" --listen 127.0.0.1:0 "$@" 2> "$logfile" &
  PIDS+=($!)
  eval "PID_$name=$!"
  local addr=""
  for _ in $(seq 300); do
    addr=$(sed -n 's/.*listening on \([^,]*\),.*/\1/p' "$logfile" | head -1)
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "entente-server $name did not start, see $logfile" >&2; exit 1; }
  eval "ADDR_$name=$addr"
}
stop_entente() { local pid; eval "pid=\$PID_$1"; kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }

# start_nats: three clustered nats-server with JetStream; sets NATS_URLS.
start_nats() {
  local routes="" cports=() ports=() i
  for i in 1 2 3; do cports+=("$(free_port)"); ports+=("$(free_port)"); done
  for i in 0 1 2; do routes+="${routes:+,}nats://127.0.0.1:${cports[$i]}"; done
  NATS_URLS=""
  for i in 0 1 2; do
    rm -rf "$OUT/nats-$i"
    "$NATS_SERVER" -a 127.0.0.1 -p "${ports[$i]}" -n "bench-$i" -js -sd "$OUT/nats-$i" \
      --cluster_name entente-bench -cluster "nats://127.0.0.1:${cports[$i]}" -routes "$routes" \
      > "$OUT/nats-$i.log" 2>&1 &
    PIDS+=($!)
    NATS_URLS+="${NATS_URLS:+,}nats://127.0.0.1:${ports[$i]}"
  done
}

rate() { sed -n 's/.*(\([0-9.]*\) events\/s).*/\1/p' "$1"; }
qps() { sed -n 's/^throughput: .* = \([0-9.]*\) queries\/s.*/\1/p' "$1"; }

log "data: prep_data.py and workload.py"
python3 "$SB/prep_data.py" "$DATA" "$OUT/events.tsv" > "$OUT/prep.log"
python3 "$SB/workload.py" "$OUT/events.tsv" --seed 42 --per-kind "$PER_KIND" --out "$OUT/queries.jsonl" > /dev/null
ROWS=$(wc -l < "$OUT/events.tsv")
# A third of the rows for each node of the concurrent load.
split -n l/3 -d "$OUT/events.tsv" "$OUT/part-"

# read_phase TAG NODE...: CLIENTS clients spread over the nodes; prints queries/s.
read_phase() {
  local tag=$1; shift
  # CLIENTS in all, spread as evenly as they go (4 over 3 nodes: 2, 1, 1).
  local n=$# pids=() k=0 total=0 node addr each
  for node in "$@"; do
    eval "addr=\$ADDR_$node"
    each=$(( CLIENTS / n + (k < CLIENTS % n ? 1 : 0) )); k=$((k + 1))
    "$BENCH_BIN" grpc-query --server "$addr" --queries "$OUT/queries.jsonl" \
      --seconds "$READ_SECONDS" --clients "$each" > "$OUT/query-$tag-$node.txt" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  for node in "$@"; do total=$(python3 -c "print($total + $(qps "$OUT/query-$tag-$node.txt"))"); done
  echo "$total"
}

log "phase 1: one embedded server"
start_entente single
"$BENCH_BIN" grpc-load --server "$ADDR_single" --batch "$BATCH" "$OUT/events.tsv" | tee "$OUT/load-single.txt"
R_SINGLE=$(rate "$OUT/load-single.txt")
sleep "$SETTLE"  # flushes and compactions after the load, as before phase 3
Q_SINGLE=$(read_phase single single)
stop_entente single

log "phase 2: three NATS, three replicas"
start_nats
STREAM=bench$$
for n in a b c; do
  start_entente "$n" --replication "$NATS_URLS" --stream "$STREAM" --replication_node "$n"
done
"$BENCH_BIN" grpc-load --server "$ADDR_a" --batch "$BATCH" "$OUT/events.tsv" | tee "$OUT/load-repl-one.txt"
R_REPL_ONE=$(rate "$OUT/load-repl-one.txt")

log "phase 2b: a second stream and three fresh nodes; a third of the rows through each at once"
for n in d e f; do
  start_entente "$n" --replication "$NATS_URLS" --stream "${STREAM}b" --replication_node "$n"
done
T_START=$(date +%s.%N)
i=0; lp=()
for n in d e f; do
  eval "addr=\$ADDR_$n"
  "$BENCH_BIN" grpc-load --server "$addr" --batch "$BATCH" "$OUT/part-0$i" > "$OUT/load-repl-three-$n.txt" &
  lp+=($!); i=$((i + 1))
done
for p in "${lp[@]}"; do wait "$p"; done
T_END=$(date +%s.%N)
R_REPL_THREE=$(python3 -c "print(round($ROWS / ($T_END - $T_START)))")
# Each node applied the whole stream once the slowest load returned; they
# are stopped so that the reads below run on the same data as phase 1's.
for n in d e f; do stop_entente "$n"; done

# Every node must have applied all before the reads are measured.
for n in a b c; do
  eval "addr=\$ADDR_$n"
  for _ in $(seq 600); do
    "$HEALTH_BIN" --server "$addr" > /dev/null 2>&1 && break
    sleep 0.1
  done
done

log "phase 3: reads over 1, 2 and 3 replicas"
sleep "$SETTLE"
Q_ONE=$(read_phase r1 a)
Q_TWO=$(read_phase r2 a b)
Q_THREE=$(read_phase r3 a b c)

log "phase 4: a fourth node catching up from the log"
T_START=$(date +%s.%N)
start_entente d --replication "$NATS_URLS" --stream "$STREAM" --replication_node d --max_lag 1
for _ in $(seq 3000); do
  "$HEALTH_BIN" --server "$ADDR_d" > /dev/null 2>&1 && break
  sleep 0.1
done
T_END=$(date +%s.%N)
CATCHUP_S=$(python3 -c "print(round($T_END - $T_START, 1))")
CATCHUP_RATE=$(python3 -c "print(round($ROWS / ($T_END - $T_START)))")

COMMIT=$(git -C "$REPO" rev-parse --short HEAD)
{
  echo "# Replication figures ($(date -u +%Y-%m-%d), commit $COMMIT)"
  echo
  echo "Command: \`bench/cluster.sh --data $DATA --out $OUT --batch $BATCH --clients $CLIENTS --per-kind $PER_KIND\`"
  echo "Machine: $(nproc) cores; everything (3 NATS, up to 4 servers, clients) on it at once."
  echo "Rows: $ROWS (prep_data.py), $BATCH statements per IngestStream message."
  echo
  echo "| phase | figure |"
  echo "|---|---|"
  echo "| ingest, one embedded server | $R_SINGLE statements/s |"
  echo "| ingest through 1 node, 3 replicas applying, R3 stream | $R_REPL_ONE statements/s |"
  echo "| ingest through 3 nodes at once, 3 replicas applying | $R_REPL_THREE statements/s |"
  echo "| reads, one embedded server, $CLIENTS clients | $Q_SINGLE queries/s |"
  echo "| reads, 1 replica, $CLIENTS clients | $Q_ONE queries/s |"
  echo "| reads, 2 replicas, $CLIENTS clients spread | $Q_TWO queries/s |"
  echo "| reads, 3 replicas, $CLIENTS clients spread | $Q_THREE queries/s |"
  echo "| a new node replaying the log ($ROWS statements) | $CATCHUP_S s, $CATCHUP_RATE statements/s |"
} > "$OUT/results.md"
cat "$OUT/results.md"
