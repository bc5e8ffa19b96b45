#!/usr/bin/env bash
# Runs every test: lint, C++ unit tests (ctest), the Python package as pip
# installs it (pytest), the CMake consumer projects, and the C++ tests again
# under ASan + UBSan. Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

step() { printf '\n=== %s ===\n' "$1"; SECONDS=0; }
done_step() { printf -- '--- %s: ok (%ss)\n' "$1" "$SECONDS"; }

step lint
ruff check python tests examples benchmarks scripts
git ls-files -co --exclude-standard -- '*.hpp' '*.cpp' | grep -v '^tests/package/.*/build/' |
  xargs clang-format --dry-run --Werror
done_step lint

step "C++ unit tests"
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci
done_step "C++ unit tests"

step "Python tests (package as pip installs it)"
scripts/install_package.sh
(cd tests/python && ../../.venv/bin/python -m pytest -q -p no:cacheprovider)
done_step "Python tests"

step "CMake consumer projects"
tests/package/run.sh
done_step "CMake consumer projects"

step "C++ unit tests under ASan + UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan
done_step "C++ unit tests under ASan + UBSan"
