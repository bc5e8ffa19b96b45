# The two Quickstart commands: `make demo` (the main job) and `make test` (every test).
# Both install what they need first (Debian packages via apt-get, Python packages into .venv).
.PHONY: demo test bootstrap package dev bench format

# Closes FY2026-Q3 for the embedded demo company and writes out/demo/ (report.html, statements, tables).
demo: package
	.venv/bin/salescomp demo --out out/demo

test: bootstrap
	scripts/test.sh

bootstrap:
	scripts/bootstrap.sh

package: bootstrap
	scripts/install_package.sh

# Developer build: C++ tests + an importable package in build/dev/python.
dev: bootstrap
	PATH="$(CURDIR)/.venv/bin:$$PATH" cmake --preset dev -DPython_EXECUTABLE=$(CURDIR)/.venv/bin/python \
	  -Dpybind11_DIR=$$(.venv/bin/python -m pybind11 --cmakedir)
	PATH="$(CURDIR)/.venv/bin:$$PATH" cmake --build --preset dev

bench: bootstrap
	PATH="$(CURDIR)/.venv/bin:$$PATH" cmake --preset bench && PATH="$(CURDIR)/.venv/bin:$$PATH" cmake --build --preset bench
	for b in build/bench/benchmarks/bench_*; do $$b --benchmark_min_time=0.2; done

format: bootstrap
	git ls-files -co --exclude-standard -- '*.hpp' '*.cpp' | xargs clang-format -i
	.venv/bin/ruff format python tests examples benchmarks scripts
