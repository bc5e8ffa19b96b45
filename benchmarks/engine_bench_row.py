"""One Markdown table row from a bench_engine JSON result on stdin (run_engine_bench.sh)."""

import json
import sys

b = json.load(sys.stdin)["benchmarks"][0]
args = dict(kv.split(":") for kv in b["name"].split("/")[1:] if ":" in kv)
seconds = b["real_time"] / (1000 if b["time_unit"] == "ms" else 1e9)
cells = [
    f"{int(args['people']):,}",
    args["credits_per_person"],
    f"{b['credits'] / 1e6:.2f} M",
    args["threads"],
    "on" if args["explain"] == "1" else "off",
    f"{seconds:.2f} s",
    f"{b['deals/s'] / 1e6:.2f} M",
    f"{b['people/s'] / 1e3:.1f} k",
    f"{b['lines'] / 1e6:.2f} M",
    f"{b['input_MB']:.0f} MB",
    f"{b['peak_RSS_MB']:.0f} MB",
    f"{b['peak_RSS_MB'] / b['input_MB']:.2f}x",
]
print("| " + " | ".join(cells) + " |")
