#!/usr/bin/env bash
# entente.v1 only grows: `buf breaking` (npm @bufbuild/buf, pinned in
# package-lock.json) compares today's protos with those of the baseline tag,
# the protos services were built against, and fails on any renumbered,
# renamed, retyped or removed field, message, enum value or RPC (buf's FILE
# rules).
#
#   tools/proto-compat/check.sh [--against REF]
#
# REF defaults to the tag proto-baseline-2026-12-04 (its commit if the clone
# has no tags). Both sides are compiled with protoc, with the same include
# path as the build, into images that buf compares; imports (google/rpc)
# are not checked. Exits 0 when compatible, 100 with buf's findings when not.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BASE_TAG=proto-baseline-2026-12-04
BASE_COMMIT=362aa4189eb08008ebd2785822ea5543743d6c7b
AGAINST=""
case "${1:-}" in
  --against) AGAINST=${2:?--against needs a git ref} ;;
  "") ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
esac
if [ -z "$AGAINST" ]; then
  if git -C "$REPO" rev-parse -q --verify "refs/tags/$BASE_TAG" > /dev/null; then
    AGAINST=$BASE_TAG
  else
    AGAINST=$BASE_COMMIT
  fi
fi
git -C "$REPO" rev-parse -q --verify "$AGAINST^{commit}" > /dev/null \
  || { echo "check.sh: no commit $AGAINST in $REPO (a shallow clone?)" >&2; exit 2; }

# google/rpc/status.proto, vendored as proto/CMakeLists.txt reads it.
GOOGLEAPIS=$REPO/third_party/googleapis
[ -f "$GOOGLEAPIS/google/rpc/status.proto" ] \
  || { echo "check.sh: $GOOGLEAPIS/google/rpc/status.proto not found" >&2; exit 2; }

# The pinned buf, installed from the npm registry at build time.
if [ ! -x "$HERE/node_modules/.bin/buf" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
fi
BUF=$HERE/node_modules/.bin/buf

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/base"
git -C "$REPO" archive "$AGAINST" proto/entente | tar -x -C "$WORK/base"
protoc -I "$WORK/base/proto" -I "$GOOGLEAPIS" --include_imports -o "$WORK/base.binpb" \
  "$WORK"/base/proto/entente/v1/*.proto
protoc -I "$REPO/proto" -I "$GOOGLEAPIS" --include_imports --include_source_info \
  -o "$WORK/now.binpb" "$REPO"/proto/entente/v1/*.proto
"$BUF" breaking "$WORK/now.binpb" --against "$WORK/base.binpb" --exclude-imports \
  --config '{"version":"v1","breaking":{"use":["FILE"]}}'
echo "proto-compat: entente.v1 is a superset of $AGAINST ($(git -C "$REPO" rev-parse --short "$AGAINST^{commit}"))"
