#!/usr/bin/env bash
# Builds the libFuzzer targets (if needed) and runs each for a bounded time on
# a copy of its seed corpus (fuzz/corpus/<name>/), so the repository's corpus
# never grows by itself. Fails if any target crashes, leaks, times out or
# breaks an invariant; the input that did it stays in
# <build>/fuzz-artifacts/<name>/ for reproduction (see docs/testing.md).
#
#   fuzz/run.sh                         every target, 30 s each
#   fuzz/run.sh --seconds 300 key_codec one target, 5 minutes
#   fuzz/run.sh --build /tmp/b          another build directory
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=30
BUILD=build-sanitize
JOBS=$(nproc)
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    -j) JOBS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
ALL=(statement_validator statement_reader event_reader icews_tsv key_codec)
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")

dict_of() {
  case "$1" in
    statement_validator|statement_reader) echo fuzz/dict/statement.dict ;;
    event_reader|icews_tsv) echo fuzz/dict/table.dict ;;
  esac
}

if [ ! -f "$BUILD/CMakeCache.txt" ] || ! grep -q '^ENTENTE_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  make --no-print-directory configure-sanitize SAN_BUILD="$BUILD"
fi
cmake --build "$BUILD" -j "$JOBS" --target fuzzers

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if command -v llvm-symbolizer > /dev/null; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}"
fi

BUILD_ABS=$(cd "$BUILD" && pwd)
failed=()
summary=()
for name in "${TARGETS[@]}"; do
  bin="$BUILD_ABS/fuzz/fuzz_$name"
  [ -x "$bin" ] || { echo "fuzz/run.sh: no target $name (one of: ${ALL[*]})" >&2; exit 2; }
  work="$BUILD_ABS/fuzz-work/$name"
  artifacts="$BUILD_ABS/fuzz-artifacts/$name"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$artifacts"
  cp fuzz/corpus/"$name"/* "$work/corpus/"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  dict=$(dict_of "$name")
  [ -z "$dict" ] || args+=(-dict="$dict")
  echo "== fuzz_$name: $SECONDS_EACH s"
  status=0
  "$bin" "${args[@]}" "$work/corpus" > "$work/log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  if [ "$status" -ne 0 ]; then
    tail -60 "$work/log"
    crash=$(ls -t "$artifacts" 2>/dev/null | head -1)
    echo "fuzz_$name FAILED (exit $status); log: $work/log"
    [ -z "$crash" ] || echo "  reproduce: $bin $artifacts/$crash"
    failed+=("$name")
    summary+=("fuzz_$name: FAILED after ${execs:-?} executions")
  else
    summary+=("fuzz_$name: ${execs:-?} executions in $SECONDS_EACH s, corpus $(ls "$work/corpus" | wc -l) inputs")
  fi
done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
