#!/usr/bin/env bash
# Installs the Debian 12 packages Entente builds, tests and runs with.
# Idempotent: installs only what is missing, so `make run` stays fast on a
# machine that already has them. Used by the Makefile and the Dockerfile.
#
#   install-deps.sh                 everything: what builds, tests, fuzzes and
#                                   runs (make, CI)
#   install-deps.sh --build-only    only what builds the programs: no test,
#                                   fuzz or notebook toolchain (the Dockerfile's
#                                   build stage)
#   install-deps.sh --runtime       only the shared libraries the built
#                                   programs load (the Dockerfile's runtime stage)
#   install-deps.sh --print-runtime, --print-build-only, --print-all
#                                   list a set, one a line (tests/deploy checks
#                                   them against ldd and against each other)
set -euo pipefail

# The Debian 12 runtime packages of gRPC++ 1.51, Protobuf 3.21, RocksDB 7.8,
# absl and cpp-httplib 0.11, and of what they and Entente load: found with
# ldd on the built binaries and dpkg -S on each library (libc6 and libgcc-s1
# are in every Debian image).
RUNTIME_PACKAGES=(
  libgrpc++1.51 libgrpc29 libprotobuf32 librocksdb7.8 libabsl20220623
  libutf8proc2 libxxhash0 libssl3 libc-ares2 libre2-9 zlib1g
  libsnappy1v5 liblz4-1 libzstd1 libbz2-1.0 libgflags2.2 libstdc++6
  libcpp-httplib0.11 libbrotli1  # cpp-httplib (/metrics) and the Brotli it loads
  libjemalloc2  # entente-server's malloc (CMakeLists.txt, ENTENTE_JEMALLOC)
)

# What `cmake -DENTENTE_BUILD_TESTS=OFF` and the build of the four programs
# need: compilers, the libraries' headers, protoc with the gRPC plugin, and
# the .proto files the protocol imports (grpc-proto: grpc/health/v1; google/rpc
# is vendored in third_party/googleapis).
BUILD_PACKAGES=(
  build-essential cmake pkg-config ninja-build
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libutf8proc-dev libxxhash-dev libcpp-httplib-dev libjemalloc-dev
  libssl-dev grpc-proto
)

# Everything: the build, then the tests (GoogleTest, Google Benchmark, the
# Python client's and tests/deploy's Python packages, openssl for test
# certificates, iso-codes for tools/gen_countries.py) and the fuzz toolchain.
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  libgtest-dev libgmock-dev libbenchmark-dev
  iso-codes python3 python3-grpcio python3-protobuf python3-networkx
  openssl
  python3-yaml  # tests/deploy: parses compose.yaml and the Kubernetes manifests
  # make test-sanitize / make fuzz: clang++, its sanitizer and libFuzzer
  # runtimes, llvm-symbolizer for readable stacks.
  clang libclang-rt-14-dev llvm
  # The explorer's browser test (tests/browser, ctest label browser): Debian's
  # Chromium, driven headless by playwright-core from npm; no browser is
  # ever downloaded.
  chromium
)

# --- issue 14, notebooks: the `entente` Python package and its example
# notebook (clients/python; tests/python/test_package.py, test_notebook.py).
# setuptools builds it offline (pip --no-build-isolation), python3-venv and
# python3-pip install it into a venv; pandas and networkx back to_pandas()
# and to_networkx(); nbclient, ipykernel and nbformat execute the notebook.
PACKAGES+=(
  python3-setuptools python3-venv python3-pip python3-pandas
  python3-nbclient python3-ipykernel python3-nbformat
)
# --- end issue 14, notebooks ---

# --- issue 15, replication: the replicated write log on NATS JetStream
# (replication/, docs/scaling.md). entente-server links the NATS C client
# (libnats-dev, so the build set too; libnats3.4 at run time); the cluster
# tests (ctest -L cluster) start nats-server processes themselves.
BUILD_PACKAGES+=(libnats-dev)
PACKAGES+=(libnats-dev nats-server)
RUNTIME_PACKAGES+=(libnats3.4 libprotobuf-c1)  # libnats loads libprotobuf-c
# --- end issue 15, replication ---

# --- issue 15, flags: every program parses its options with CLI11
# (server/flags.h, docs/flags.md); header-only, so the build set and the full
# set, nothing at run time.
BUILD_PACKAGES+=(libcli11-dev)
PACKAGES+=(libcli11-dev)
# --- end issue 15, flags ---

# Blocks that add to PACKAGES above this line add to the full set only:
# --build-only installs BUILD_PACKAGES alone.
case "${1:-}" in
  --print-runtime) printf '%s\n' "${RUNTIME_PACKAGES[@]}"; exit 0 ;;
  --print-build-only) printf '%s\n' "${BUILD_PACKAGES[@]}"; exit 0 ;;
  --print-all) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
  --runtime) PACKAGES=("${RUNTIME_PACKAGES[@]}") ;;
  --build-only) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  "") ;;
  *)
    echo "usage: install-deps.sh [--build-only | --runtime | --print-runtime |" \
         "--print-build-only | --print-all]" >&2
    exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# tools/proto-compat takes buf from the npm registry, and the explorer's
# build (web/CMakeLists.txt, which finds node and npm) its packages: any npm
# will do (a machine's Node.js may ship its own), else Debian's. So the build
# set needs it as well.
case "${1:-}" in
  "" | --build-only) command -v npm > /dev/null || missing+=(npm) ;;
esac
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
