#!/usr/bin/env bash
# Installs the Debian 12 packages Entente builds, tests and runs with.
# Idempotent: installs only what is missing, so `make run` stays fast on a
# machine that already has them. Used by the Makefile and the Dockerfile.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libabsl-dev libutf8proc-dev libxxhash-dev
  golang-github-gogo-googleapis-dev grpc-proto
  iso-codes python3 python3-grpcio python3-protobuf python3-networkx
  openssl libssl-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
