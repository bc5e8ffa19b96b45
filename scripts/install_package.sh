#!/usr/bin/env bash
# pip-installs salescomp into .venv from this checkout, for the test loop:
#  - no build isolation: the build backend and pybind11 come from .venv;
#  - a persistent build directory (build/python): re-runs rebuild only what changed;
#  - system Boost/Eigen headers (bootstrap installed them) and the same flags as the
#    `ci` preset, so ccache serves the library objects already compiled there.
# The analyst's path (isolated build, headers from PyPI) is checked by
# scripts/check_pip_install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
.venv/bin/python -m pip install -q --no-build-isolation --no-deps \
  -C build-dir=build/python \
  -C cmake.define.SALESCOMP_PYPI_HEADERS=OFF \
  -C cmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache .
