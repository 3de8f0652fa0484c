# hfviz - the front door.
#   make         install missing Debian packages (if root), build build/hfviz
#   make test    build the plain and the ASan+UBSan variants, run every test
#   make run     build the demo map (if missing or stale) and serve it: prints the URL
#   make fuzz    run each libFuzzer target for FUZZ_SECONDS (not part of test)
#   make bench   ingest benchmarks (see bench/README.md)
#   make clean
# Variants live in their own folders: build/ (RelWithDebInfo), build-asan/.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

MAKEFLAGS += --no-print-directory

.PHONY: all deps build build-cli asan test test-plain test-asan run fuzz bench clean

all: build

deps:
	@sh scripts/install-deps.sh

build/CMakeCache.txt: | deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: deps build/CMakeCache.txt
	@cmake --build build -j $(JOBS)

build-asan/CMakeCache.txt: | deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHV_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null

build-cli: deps build/CMakeCache.txt
	@cmake --build build -j $(JOBS) --target hfviz > build/cli-build.log 2>&1 || { cat build/cli-build.log; exit 1; }

asan: deps build-asan/CMakeCache.txt
	@cmake --build build-asan -j $(JOBS)

test-plain: build
	@cd build && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

test: test-plain test-asan

# The demo map is rebuilt when the data or the binary changed (a few seconds).
DEMO_MAP = build/demo.map
PORT ?= 8000
WEB_DIR = $(if $(wildcard web/dist/index.html),--web web/dist,)

$(DEMO_MAP): data/demo/models.jsonl build/hfviz
	@./build/hfviz build data/demo/models.jsonl -o $(DEMO_MAP) --no-cache 2> build/demo-build.log || { cat build/demo-build.log; exit 1; }

run: build-cli
	@$(MAKE) $(DEMO_MAP)
	@./build/hfviz info $(DEMO_MAP) | head -8
	@./build/hfviz serve $(DEMO_MAP) --port $(PORT) $(WEB_DIR)

fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	@sh bench/ingest.sh

clean:
	rm -rf build build-asan build-fuzz
