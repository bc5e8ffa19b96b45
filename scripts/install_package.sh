#!/usr/bin/env bash
# Builds the salescomp wheel exactly as an analyst's `pip install .` does (build
# isolation: scikit-build-core, pybind11 and the Boost/Eigen header wheels come
# from PyPI, no Debian -dev packages involved) and installs it into .venv, so the
# Python tests run against the package as pip installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/dist
.venv/bin/python -m pip wheel -q --no-deps -w build/dist .
.venv/bin/python -m pip install -q --force-reinstall --no-deps build/dist/salescomp-*.whl
.venv/bin/python -c "import salescomp as sc; print('installed', sc.__version__, sc.Money('10.00', 'USD'))"
