#!/usr/bin/env bash
# pip-installs salescomp into .venv from this checkout. Uses the build backend and
# header packages already in .venv (no build isolation) and a persistent build
# directory, so repeated runs rebuild only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q --no-build-isolation --no-deps \
  -C build-dir=build/python -C cmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache .
