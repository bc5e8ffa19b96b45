#!/usr/bin/env bash
# Runs every bench_engine configuration in its own process (so peak RSS is that
# configuration's) and prints one Markdown table row each, for benchmarks/README.md.
# Usage: benchmarks/run_engine_bench.sh [build/bench/benchmarks/bench_engine]
set -euo pipefail
bin=${1:-build/bench/benchmarks/bench_engine}
echo "| people | credits/person (avg) | credit rows | threads | explanations | wall time | deals/s | people/s | lines | input columns | peak RSS | RSS / input |"
echo "|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|"
"$bin" --benchmark_list_tests | while read -r name; do
  "$bin" --benchmark_filter="^${name}\$" --benchmark_min_time=2 --benchmark_format=json 2>/dev/null |
    python3 -c '
import json, sys
b = json.load(sys.stdin)["benchmarks"][0]
args = dict(kv.split(":") for kv in b["name"].split("/")[1:] if ":" in kv)
ms = b["real_time"] if b["time_unit"] == "ms" else b["real_time"] / 1e6
print(f"| {int(args[\"people\"]):,} | {args[\"credits_per_person\"]} | {b[\"credits\"] / 1e6:.2f} M | {args[\"threads\"]} | "
      f"{\"on\" if args[\"explain\"] == \"1\" else \"off\"} | {ms / 1000:.2f} s | {b[\"deals/s\"] / 1e6:.2f} M | "
      f"{b[\"people/s\"] / 1e3:.1f} k | {b[\"lines\"] / 1e6:.2f} M | {b[\"input_MB\"]:.0f} MB | {b[\"peak_RSS_MB\"]:.0f} MB | "
      f"{b[\"peak_RSS_MB\"] / b[\"input_MB\"]:.2f}x |")
'
done
