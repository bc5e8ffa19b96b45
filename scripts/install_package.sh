#!/usr/bin/env bash
# Builds the salescomp wheel exactly as an analyst's `pip install .` does (build
# isolation: scikit-build-core, pybind11 and the Boost/Eigen header wheels come
# from PyPI, no Debian -dev packages involved) and installs it into .venv, so the
# Python tests and the demo run against the package as pip installs it.
# Skipped when .venv already holds a wheel built from exactly these sources.
set -euo pipefail
cd "$(dirname "$0")/.."
sources=(CMakeLists.txt cmake include src bindings python pyproject.toml README.md)
stamp=.venv/.salescomp-wheel.sha256
want=$(find "${sources[@]}" -type f ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && .venv/bin/python -c "import salescomp" 2>/dev/null; then
  echo "salescomp wheel in .venv is up to date"
  exit 0
fi
rm -rf build/dist
.venv/bin/python -m pip wheel -q --no-deps -w build/dist .
.venv/bin/python -m pip install -q --force-reinstall --no-deps build/dist/salescomp-*.whl
.venv/bin/python -c "import salescomp as sc; print('installed', sc.__version__, sc.Money('10.00', 'USD'))"
echo "$want" > "$stamp"
