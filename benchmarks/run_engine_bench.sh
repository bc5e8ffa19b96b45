#!/usr/bin/env bash
# Runs every bench_engine configuration in its own process (so peak RSS is that
# configuration's) and prints one Markdown table row each, for benchmarks/README.md.
# Usage: benchmarks/run_engine_bench.sh [build/bench/benchmarks/bench_engine]
set -euo pipefail
bin=${1:-build/bench/benchmarks/bench_engine}
here=$(dirname "$0")
echo "| people | credits/person (avg) | credit rows | threads | explanations | wall time | deals/s | people/s | lines | input columns | peak RSS | RSS / input |"
echo "|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|"
"$bin" --benchmark_list_tests | while read -r name; do
  "$bin" --benchmark_filter="^${name}\$" --benchmark_min_time=2 --benchmark_format=json 2>/dev/null |
    python3 "$here/engine_bench_row.py"
done
