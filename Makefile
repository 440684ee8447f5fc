# kaohe - the two commands that do everything on a fresh Debian 12 machine:
#   make demo    install what is missing, build, run the main job
#   make check   install what is missing, build with sanitizers, run every test
# Other targets: build (plain build in ./build), clean, bench.

BUILD      ?= build
CHECKBUILD ?= build-check
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# ctest arguments, e.g. CTEST_ARGS="-R '^e2e|^fuzz'" for two groups (the
# default: all); the recipe's shell reads them, so quote a regex
CTEST_ARGS ?=

.PHONY: all deps build demo check bench clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The web application on a demo store (created when absent, demo.db).
demo: build
	sh scripts/demo.sh ./$(BUILD)/kaohe demo.db

# The check build uses clang so that the same tree also builds the
# libFuzzer targets; everything runs under ASan and UBSan.  It first
# builds the plain gcc tree of `make demo` too, so a warning that only
# gcc reports (-Werror) fails the check rather than the demo.
check: build
	CC=clang cmake -S . -B $(CHECKBUILD) -DCMAKE_BUILD_TYPE=Debug \
	    -DKH_SANITIZE=ON -DKH_FUZZ=ON -DKH_WERROR=ON >/dev/null
	cmake --build $(CHECKBUILD) -j $(JOBS)
	cd $(CHECKBUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Each script also runs alone; bench/web needs wrk and nginx (deps bench).
bench: build
	sh scripts/deps.sh bench
	sh bench/score/run.sh
	sh bench/store/run.sh
	sh bench/export/run.sh
	sh bench/web/run.sh
	sh bench/web/form.sh

clean:
	rm -rf $(BUILD) $(CHECKBUILD)
