# Helpers shared by bench/run.sh and bench/ab.sh (sourced). The caller sets
# SB (the shared bench directory) and FAILED=0, and traps EXIT to kill
# SERVER_PID; start_server runs $SERVER_BIN.
T0=$(date +%s)
log() { echo "== $* (at $(( $(date +%s) - T0 )) s)" >&2; }
mb() { du -sb "$1" | awk '{printf "%.1f", $1 / 1e6}'; }
max_rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
# Events/s and seconds from a loader's summary line (entente-bench grpc-load:
# "loaded N lines in S s (R events/s)", entente-admin: "imported N rows in S s (R rows/s)").
load_rate() { sed -n 's/.*(\([0-9.]*\) \(events\|rows\)\/s).*/\1/p' "$1"; }
load_secs() { sed -n 's/^\(loaded\|imported\) [0-9]* \(lines\|rows\) in \([0-9.]*\) s.*/\3/p' "$1"; }
vm_mb() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# check NAME ORACLE ANSWERS: runs check.py and records its verdict in $CHECKS.
check() {
  local line
  if line=$(python3 "$SB/check.py" "$2" "$3" --show 10); then :; else FAILED=1; fi
  echo "$line" >&2
  echo "$1: $(echo "$line" | head -1 | sed 's/^check [^:]*: //')" >> "$CHECKS"
}

# start_server DB LOG [FLAG...]: starts $SERVER_BIN on a fresh DB and a free
# port; sets SERVER_PID, ADDR.
start_server() {
  local db=$1 logfile=$2; shift 2
  rm -rf "$db"
  "$SERVER_BIN" --data "$db" --listen 127.0.0.1:0 "$@" 2> "$logfile" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    ADDR=$(sed -n 's/.*listening on \([^,]*\),.*/\1/p' "$logfile" | head -1)
    [ -n "$ADDR" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "entente-server did not start, see $logfile" >&2; exit 1
}

stop_server() {
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
}
