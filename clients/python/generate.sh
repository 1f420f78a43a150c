#!/bin/sh
# Generates the Python modules of the Entente protocol (messages and gRPC
# stubs) with Debian's protoc and grpc_python_plugin.
#
#   clients/python/generate.sh [OUT_DIR]     (default: clients/python/gen)
#
# OUT_DIR then holds
#   entente/v1/{statement,filter,claims,ingest,graph,admin}_pb2.py, *_pb2_grpc.py
#   google/rpc/{status,error_details}_pb2.py
# Put OUT_DIR on sys.path (entente_client.py does so itself, from
# $ENTENTE_PYTHON_GEN or its own gen/ directory). `entente` gets __init__.py
# files; `google` deliberately does not: it stays a namespace package, so
# google.rpc (here) and google.protobuf (python3-protobuf) import side by side.
#
# Environment overrides: PROTOC (default protoc), GRPC_PYTHON_PLUGIN (default
# /usr/bin/grpc_python_plugin), GOOGLEAPIS_PROTO_DIR (default the checkout's
# third_party/googleapis, vendored from googleapis/googleapis), GRPC_PROTO_DIR
# (default /usr/share/grpc-proto).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/gen}

PROTOC=${PROTOC:-protoc}
GRPC_PYTHON_PLUGIN=${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}
GOOGLEAPIS_PROTO_DIR=${GOOGLEAPIS_PROTO_DIR:-$root/third_party/googleapis}
GRPC_PROTO_DIR=${GRPC_PROTO_DIR:-/usr/share/grpc-proto}

mkdir -p "$out"
out=$(cd "$out" && pwd)

# Names are given relative to the -I roots so that the generated imports
# read "from entente.v1 import statement_pb2" and "from google.rpc import ...".
cd "$root/proto"
"$PROTOC" \
  -I "$root/proto" -I "$GOOGLEAPIS_PROTO_DIR" -I "$GRPC_PROTO_DIR" \
  --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc="$GRPC_PYTHON_PLUGIN" \
  entente/v1/*.proto google/rpc/status.proto google/rpc/error_details.proto

touch "$out/entente/__init__.py" "$out/entente/v1/__init__.py"
echo "generated Python modules in $out" >&2
