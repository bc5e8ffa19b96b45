#!/usr/bin/env bash
# Installs what the project needs, idempotently:
#   - Debian packages (compiler, ccache, C++ test/benchmark libraries, Boost and Eigen headers)
#     with apt-get, only those missing;
#   - a virtual environment .venv with requirements-dev.txt, re-synced only when that file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: tests/python/test_report_browser.py opens report.html in it (about 70 s to install,
# 25 packages with --no-install-recommends, measured on Debian 12).
APT_PACKAGES=(g++ make git ccache clang-format libboost-dev libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
  chromium)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-dev.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
