#!/usr/bin/env bash
# Builds and runs the consumer projects against the ci build of salescomp:
#   installed (find_package with a prefix), build tree (salescomp_DIR), add_subdirectory,
#   and the standalone example in examples/cpp.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/ci"
prefix="$root/build/ci-install"
out="$root/build/package"
rm -rf "$prefix" "$out"
cmake --install "$build" --prefix "$prefix" >/dev/null

run() {  # name, source dir, extra cmake args...
  local name=$1 src=$2; shift 2
  cmake -S "$src" -B "$out/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >"$out.$name.log" 2>&1 ||
    { cat "$out.$name.log"; echo "package test $name: configure FAILED"; exit 1; }
  cmake --build "$out/$name" >>"$out.$name.log" 2>&1 || { cat "$out.$name.log"; echo "package test $name: build FAILED"; exit 1; }
  local exe
  exe=$(find "$out/$name" -maxdepth 1 -type f -executable | head -n 1)
  echo -n "package test $name: "
  "$exe"
}
mkdir -p "$out"
run installed "$root/tests/package/find_package" -DCMAKE_PREFIX_PATH="$prefix"
run build_tree "$root/tests/package/find_package" -Dsalescomp_DIR="$build"
run add_subdirectory "$root/tests/package/add_subdirectory" -DSALESCOMP_SOURCE_DIR="$root"
run example_cpp "$root/examples/cpp" -DCMAKE_PREFIX_PATH="$prefix"
