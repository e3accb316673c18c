# The front door. CMake (CMakePresets.json) does the work; these targets only name it.
.PHONY: all deps deps-bench run test tsan bench bench-compare format lint clean

SOURCES = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null)

all: test

deps:
	@scripts/install-deps.sh

# The benchmarks' extra tools: Janus for the comparison, gnuplot for the plots.
deps-bench:
	@scripts/install-deps.sh --bench

# Optimised build, then chorusd with the development configuration (dev_mode: the built-in
# application and the demo page's token endpoint; never for production). Ctrl-C stops it.
run: deps
	cmake --preset release >/dev/null
	cmake --build --preset release --target chorusd
	build/release/server/chorusd --config deploy/config/dev.yaml

# Unit, integration, e2e and fuzz-regression tests, under AddressSanitizer + UBSan.
test: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev
	ctest --preset dev

# Unit and integration tests (the multi-threaded ones among them) under ThreadSanitizer.
tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan
	ctest --preset tsan

# Micro-benchmarks, the forwarding benchmark through running shards and the standard load
# presets (chorus-bench against chorusd), optimised build; the report (JSON, Markdown, PNG plots)
# goes to build/release/bench-report/. About 4 minutes on 2 cores, after the build.
bench: deps-bench
	cmake --preset release >/dev/null
	cmake --build --preset release --target chorus-microbench chorus-forwarding-bench chorusd \
	    chorus-bench
	benchmarks/run-bench.sh build/release/bench-report

# The same clients against Chorus and then Janus VideoRoom (in a private network namespace):
# rooms and webinar at equal load, both ramped to capacity, beside the harness-to-harness floor
# and the single-core limit: build/release/bench-compare/comparison.md (about 10 minutes).
bench-compare: deps-bench
	scripts/bench-compare.sh

format:
	clang-format-14 -i $(SOURCES)

# clang-format check plus clang-tidy over every source, on the dev build's compile commands.
lint: deps
	cmake --preset dev >/dev/null
	clang-format-14 --dry-run --Werror $(SOURCES)
	run-clang-tidy-14 -quiet -p build/dev $(filter %.cpp,$(SOURCES))

clean:
	rm -rf build
