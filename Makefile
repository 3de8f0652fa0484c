# hfviz - the front door.
#   make         install missing Debian packages (if root), build build/hfviz,
#                and the web explorer (web/dist) when Node.js is present
#   make test    build the plain and the ASan+UBSan variants, run every test
#                (and the web explorer's unit tests; its end-to-end test is
#                tests/integration/test_web.sh)
#   make run     build the demo map (if missing or stale) and serve it: prints the URL
#   make web     build the web explorer into web/dist (npm ci first if needed)
#   make fuzz    run each libFuzzer target for FUZZ_SECONDS (not part of test)
#   make bench   ingest benchmarks (see bench/README.md)
#   make clean
# Variants live in their own folders: build/ (RelWithDebInfo), build-asan/.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

MAKEFLAGS += --no-print-directory

.PHONY: all deps build build-cli asan test test-plain test-asan test-web web web-deps run fuzz bench bench-web clean

all: build web

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

test: test-plain test-asan test-web

# The web explorer (web/, TypeScript + Vite).  Without Node.js these targets
# say so and do nothing, so the C build and tests never depend on npm.
HAVE_NODE := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo yes)
WEB_SOURCES = $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package-lock.json web/scripts -type f 2>/dev/null)

web-deps:
	@sh scripts/install-web-deps.sh

ifeq ($(HAVE_NODE),yes)
web: web-deps web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	@if [ ! -f web/node_modules/.package-lock.json ]; then \
		echo "web: skipped: web/node_modules is missing (npm ci failed: no network?)" >&2; \
	else \
		echo "web: building web/dist" >&2; mkdir -p build; \
		(cd web && npm run --silent build) > build/web-build.log 2>&1 || { cat build/web-build.log; exit 1; }; \
		touch $@; \
	fi

test-web: web-deps
	@if [ ! -f web/node_modules/.package-lock.json ]; then echo "test-web: skipped: web/node_modules is missing (sh scripts/install-web-deps.sh)" >&2; \
	else cd web && npm run --silent test:ci; fi
else
web:
	@echo "web: node/npm not found, web/dist not built (the API still serves)" >&2

test-web:
	@echo "test-web: skipped: node/npm not found" >&2
endif

# The demo map is rebuilt when the data or the binary changed (a few seconds);
# the build also records the demo's model counts by month into DEMO_DB, so
# the growth page and the header counter have a history to show.
DEMO_MAP = build/demo.map
DEMO_DB = build/demo-counts.db
PORT ?= 8000
# web/dist is checked when the recipe runs (the web target may just have built it).
WEB_DIR = $$([ -f web/dist/index.html ] && echo --web web/dist)

$(DEMO_MAP): data/demo/models.jsonl build/hfviz
	@./build/hfviz build data/demo/models.jsonl -o $(DEMO_MAP) --no-cache --track-db $(DEMO_DB) 2> build/demo-build.log || { cat build/demo-build.log; exit 1; }

run: build-cli web
	@$(MAKE) $(DEMO_MAP)
	@./build/hfviz info $(DEMO_MAP) | head -8
	@[ -f $(DEMO_DB) ] || ./build/hfviz track --db $(DEMO_DB) --dataset $(DEMO_MAP)
	@./build/hfviz serve $(DEMO_MAP) --port $(PORT) --db $(DEMO_DB) $(WEB_DIR)

fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build
	@sh bench/ingest.sh

# The web explorer on a big map (bench/web/README.md): MAP=path/to.map
bench-web: build-cli web
	@sh bench/web/run.sh $(MAP)

clean:
	rm -rf build build-asan build-fuzz web/dist web/dist-test
