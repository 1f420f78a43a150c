# Entente: `make run` starts the server, `make test` runs every test.
# Both install what is missing (Debian 12 packages) and build first.

BUILD  ?= build
JOBS   ?= $(shell nproc)
LISTEN ?= 127.0.0.1:50051
DATA   ?= ./data
# Extra server flags, e.g. make run ARGS="--sync --block_cache_mb 128"
ARGS   ?=

.PHONY: all deps configure build run test clean

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
	$(BUILD)/server/entente-server --listen $(LISTEN) --data $(DATA) $(ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

clean:
	rm -rf $(BUILD)
