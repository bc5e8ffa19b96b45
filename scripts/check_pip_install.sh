#!/usr/bin/env bash
# The analyst's path: a fresh virtual environment, plain `pip install .` (build
# isolation: scikit-build-core, pybind11 and the Boost/Eigen header wheels come
# from PyPI), then an import smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q .
"$venv/bin/python" -c "import salescomp as sc; print(sc.Money('10.00', 'USD'))"
rm -rf "$(dirname "$venv")"
