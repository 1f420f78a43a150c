#!/usr/bin/env bash
# Before and after in one run: two builds of Entente, alternated on the same
# data and queries, so that the noise of this machine falls on both alike.
#
#   bench/ab.sh --before BUILD_A --after BUILD_B --events EVENTS.tsv --queries Q.jsonl
#               --oracle ORACLE.jsonl --out DIR [--rounds N] [--after-flags "FLAGS"]
#               [--after-name NAME]
#
#   --before, --after  build directories holding server/entente-server,
#                      server/entente-admin and bench/entente-bench
#   --events           prep_data.py's events.tsv (bench/run.sh writes it to its DIR)
#   --queries, --oracle  the workload and its oracle on those events
#   --rounds N         rounds of before, after (default 3); the order alternates
#   --after-flags      extra flags for the after side's entente-server and
#                      entente-admin import, e.g. "--claims"
#   --after-name       the after side's name in the report (default "after")
#
# Each side of each round: offline bulk load (entente-admin import) and
# in-process queries (entente-bench query), then online load into a fresh
# entente-server (entente-bench grpc-load) and queries over gRPC; every
# answer set is checked against the oracle. DIR/ab.md gives each figure per
# round and the median ratio after / before (bench/ab_md.py).
set -euo pipefail
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ENTENTE_SHARED:-$REPO/../shared}
SB=$SHARED/bench
A="" B="" EVENTS="" QUERIES="" ORACLE="" OUT="" ROUNDS=3 AFTER_FLAGS="" AFTER_NAME=after
while [ $# -gt 0 ]; do
  case $1 in -h|--help) usage; exit 0 ;; esac
  [ $# -ge 2 ] || { echo "ab.sh: $1 needs a value" >&2; exit 2; }
  case $1 in
    --before) A=$(realpath "$2") ;;
    --after) B=$(realpath "$2") ;;
    --events) EVENTS=$(realpath "$2") ;;
    --queries) QUERIES=$(realpath "$2") ;;
    --oracle) ORACLE=$(realpath "$2") ;;
    --out) OUT=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --after-flags) AFTER_FLAGS=$2 ;;
    --after-name) AFTER_NAME=$2 ;;
    *) echo "ab.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$A" ] && [ -n "$B" ] && [ -n "$EVENTS" ] && [ -n "$QUERIES" ] && [ -n "$ORACLE" ] &&
  [ -n "$OUT" ] || { usage >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ab.sh: --rounds wants a positive number" >&2; exit 2; }
for build in "$A" "$B"; do
  for bin in server/entente-server server/entente-admin bench/entente-bench; do
    [ -x "$build/$bin" ] || { echo "ab.sh: no $bin in $build" >&2; exit 2; }
  done
done
mkdir -p "$OUT"; OUT=$(realpath "$OUT")
CHECKS=$OUT/checks.txt; : > "$CHECKS"
FAILED=0
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true' EXIT
SERVER_BIN=""
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"

# side NAME BUILD ROUND FLAGS: one side's offline and online runs.
side() {
  local name=$1 build=$2 round=$3 flags=$4 dir=$OUT/$1-$3
  mkdir -p "$dir"
  log "$name, round $round: offline load and in-process queries"
  # shellcheck disable=SC2086
  "$build/server/entente-admin" import --data "$dir/db-offline" $flags "$EVENTS" > "$dir/load-offline.txt"
  "$build/bench/entente-bench" query --data "$dir/db-offline" --queries "$QUERIES" \
    --out "$dir/answers-offline.jsonl" > "$dir/query-inprocess.txt"
  check "$name-$round in-process" "$ORACLE" "$dir/answers-offline.jsonl"
  rm -rf "$dir/db-offline"
  log "$name, round $round: online load and gRPC queries"
  SERVER_BIN=$build/server/entente-server
  # shellcheck disable=SC2086
  start_server "$dir/db-online" "$dir/server.log" $flags
  "$build/bench/entente-bench" grpc-load --server "$ADDR" "$EVENTS" > "$dir/load-online.txt"
  "$build/bench/entente-bench" grpc-query --server "$ADDR" --queries "$QUERIES" \
    --out "$dir/answers-grpc.jsonl" --clients 4 > "$dir/query-grpc.txt"
  echo "server_peak_mb=$(vm_mb "$SERVER_PID" VmHWM)" > "$dir/server.txt"
  stop_server
  check "$name-$round gRPC" "$ORACLE" "$dir/answers-grpc.jsonl"
  rm -rf "$dir/db-online"
}

for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then
    side before "$A" "$round" ""
    side "$AFTER_NAME" "$B" "$round" "$AFTER_FLAGS"
  else
    side "$AFTER_NAME" "$B" "$round" "$AFTER_FLAGS"
    side before "$A" "$round" ""
  fi
done
python3 "$REPO/bench/ab_md.py" "$OUT" before "$AFTER_NAME" "$ROUNDS" > "$OUT/ab.md"
{
  echo
  echo "Command: bench/ab.sh --before $A --after $B --events $EVENTS --queries $QUERIES" \
       "--oracle $ORACLE --rounds $ROUNDS${AFTER_FLAGS:+ --after-flags \"$AFTER_FLAGS\"}"
  echo
  echo "Checks:"; sed 's/^/- /' "$CHECKS"
} >> "$OUT/ab.md"
cat "$OUT/ab.md"
exit "$FAILED"
