# Entente: `make run` starts the server, `make test` runs every test.
# Both install what is missing (Debian 12 packages) and build first.
# `make test` = the normal build, the proto compatibility check
# (tools/proto-compat/check.sh) and ctest, then `make test-sanitize` (unit
# tests under ASan+UBSan), then `make fuzz` (each libFuzzer target for
# FUZZ_SECONDS); see docs/testing.md.

BUILD  ?= build
JOBS   ?= $(shell nproc)
LISTEN ?= 127.0.0.1:50051
# The explorer, the JSON API and /metrics (docs/http.md).
HTTP_LISTEN ?= 127.0.0.1:8080
DATA   ?= ./data
# Extra server flags, e.g. make run ARGS="--sync --block_cache_mb 128"
ARGS   ?=
# clang++ build with -fsanitize=fuzzer-no-link,address,undefined, shared by
# test-sanitize and fuzz (-O1 and line tables only: it compiles faster, and
# reports still name the line).
SAN_BUILD    ?= build-sanitize
SAN_TESTS    ?= model_test storage_test graph_test import_test service_test auth_test ops_test
FUZZ_SECONDS ?= 30
# Leaks are checked: the gRPC and Protobuf singletons stay reachable, which
# LeakSanitizer does not report.
SAN_ENV = ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure build run test clean configure-sanitize test-sanitize fuzz proto-compat

all: build

deps:
	@bash deploy/install-deps.sh

configure: deps
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > $(BUILD)/configure.log 2>&1 \
	  || (cat $(BUILD)/configure.log; exit 1)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/server/entente-server --listen $(LISTEN) --http_listen $(HTTP_LISTEN) --data $(DATA) $(ARGS)

test: build proto-compat
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@$(MAKE) --no-print-directory test-sanitize
	@$(MAKE) --no-print-directory fuzz

# entente.v1 only grows: buf breaking against the baseline tag's protos.
proto-compat: deps
	tools/proto-compat/check.sh

configure-sanitize: deps
	@mkdir -p $(SAN_BUILD)
	@cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
	  -DCMAKE_CXX_COMPILER=clang++ -DENTENTE_FUZZ=ON > $(SAN_BUILD)/configure.log 2>&1 \
	  || (cat $(SAN_BUILD)/configure.log; exit 1)

# The unit tests of every layer (the labels of tests/CMakeLists.txt); the
# end-to-end and Python tests run the g++ binaries in `make test` already.
test-sanitize: configure-sanitize
	$(SAN_ENV) cmake --build $(SAN_BUILD) -j $(JOBS) --target $(SAN_TESTS)
	cd $(SAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j $(JOBS) --timeout 900 \
	  -L '^(model|storage|graph|service)$$'

fuzz: configure-sanitize
	fuzz/run.sh --build $(SAN_BUILD) --seconds $(FUZZ_SECONDS) -j $(JOBS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
