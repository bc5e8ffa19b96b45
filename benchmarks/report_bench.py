"""What the HTML report costs at scale: in process (close, view, each chart, page) and end to
end (``salescomp run`` with and without ``--no-html``, as subprocesses).

Builds a seeded synthetic company (``salescomp.synthetic.generate``; defaults: 20,000 people,
10 deals each, 20,000 journeys), closes Q3 and times each stage of ``salescomp.report``, then
writes the company's inputs and runs the command line on them, alternating the two variants.
Prints wall and CPU seconds (this process's, or the children's for the command line), the
sizes of report.html and of each chart, and the ratios the issue asks about.

Run (PYTHONPATH must be absolute: the command line runs in subprocesses):
    PYTHONPATH=$PWD/build/dev/python python benchmarks/report_bench.py [--people 20000] [--repeat 2]
Figures are wall-clock on whatever else the machine is doing; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


class Clock:
    """Wall and CPU seconds of a block (CPU: this process, or its finished children)."""

    def __init__(self, children: bool = False) -> None:
        self.children = children

    def _cpu(self) -> float:
        if self.children:
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime
        return time.process_time()

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall0, self._cpu() - self.cpu0


def line(label: str, clock: Clock, extra: str = "") -> None:
    print(f"  {label:<34} wall {clock.wall:7.2f} s   cpu {clock.cpu:7.2f} s  {extra}")


def in_process(company: Any, quarter: int, out: Path) -> dict[str, float]:
    from salescomp import report

    with Clock() as c_close:
        close = report.close_quarter(company, quarter, progress=False)
    line("close_quarter", c_close, f"({close.statements.num_rows:,} statements, {close.credits.num_rows:,} credits)")
    with Clock() as c_import:
        import matplotlib.figure  # noqa: F401  (first use in a process: part of the report's cost)
        import salescomp.plots  # noqa: F401
    line("import matplotlib + plots", c_import)
    with Clock() as c_view:
        view = report.report_view(close)
    line("report_view (every figure shown)", c_view)
    charts: dict[str, bytes] = {}
    chart_cpu = chart_wall = 0.0
    for name, draw in report._CHARTS:
        with Clock() as c:
            fig = draw(view)
            if fig is not None:
                from salescomp.plots import to_png

                charts[name] = to_png(fig)
        chart_cpu, chart_wall = chart_cpu + c.cpu, chart_wall + c.wall
        if name in charts:
            width, height = (int.from_bytes(charts[name][i:i + 4], "big") for i in (16, 20))
            line(f"chart {name}", c, f"{width}x{height} px, {len(charts[name]) / 1024:.0f} KiB")
    with Clock() as c_html:
        html = report.render_html(close, charts, view=view)
    line("render_html (templates)", c_html, f"report.html {len(html.encode()) / 1e6:.2f} MB")
    out.mkdir(parents=True, exist_ok=True)
    with Clock() as c_write:
        report.write_report(close, out)
    size = (out / "report.html").stat().st_size
    line("write_report (all of it, again)", c_write, f"report.html {size / 1e6:.2f} MB")
    report_cpu = c_import.cpu + c_view.cpu + chart_cpu + c_html.cpu
    report_wall = c_import.wall + c_view.wall + chart_wall + c_html.wall
    print(f"  report (import + view + charts + page): wall {report_wall:.2f} s, cpu {report_cpu:.2f} s = "
          f"{report_cpu / c_close.cpu:.1%} of the close's cpu, {report_wall / c_close.wall:.1%} of its wall time")
    return {"close_cpu": c_close.cpu, "report_cpu": report_cpu, "size": size}


def command_line(company: Any, quarter: int, repeat: int, work: Path) -> None:
    from salescomp.cli import write_inputs

    inputs = work / "inputs"
    with Clock() as c:
        write_inputs(company, inputs)
    line("write the inputs (CSV)", c)
    base = [sys.executable, "-m", "salescomp.cli", "run", str(inputs), "--quarter", str(quarter), "--no-progress"]
    runs: dict[str, list[Clock]] = {"--no-html": [], "with the report": []}
    for i in range(repeat):
        for variant, extra in (("--no-html", ["--no-html"]), ("with the report", [])):
            out = work / f"out-{i}-{'html' if not extra else 'nohtml'}"
            with Clock(children=True) as c:
                subprocess.run(base + ["--out", str(out)] + extra, check=True, stdout=subprocess.DEVNULL)
            runs[variant].append(c)
            line(f"salescomp run {variant} (#{i + 1})", c,
                 f"report.html {(out / 'report.html').stat().st_size / 1e6:.2f} MB" if not extra else "")
            shutil.rmtree(out)
    best = {k: min(v, key=lambda c: c.wall) for k, v in runs.items()}
    fastest_cpu = {k: min(c.cpu for c in v) for k, v in runs.items()}
    print(f"  with the report / --no-html: wall {best['with the report'].wall / best['--no-html'].wall:.2f}x "
          f"(best of {repeat}), cpu {fastest_cpu['with the report'] / fastest_cpu['--no-html']:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--deals-per-person", type=int, default=10)
    ap.add_argument("--journeys", type=int, default=20_000)
    ap.add_argument("--quarter", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2, help="command-line runs of each variant (default 2)")
    ap.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    args = ap.parse_args()

    from salescomp import synthetic

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.people:,} people, "
          f"{args.deals_per_person} deals each, {args.journeys:,} journeys, Q{args.quarter}")
    with Clock() as c:
        company = synthetic.generate(args.people, args.deals_per_person, args.journeys, seed=args.seed).company()
    line("synthetic company", c)
    with tempfile.TemporaryDirectory(prefix="salescomp-report-bench-") as tmp:
        print("in process:")
        in_process(company, args.quarter, Path(tmp) / "report")
        if not args.no_cli:
            print("command line:")
            command_line(company, args.quarter, args.repeat, Path(tmp))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
