"""``salescomp plan``: the next quarter of the demo company, or of an opportunity history.

    salescomp plan                                 # the demo company (closes its last quarter for plan cost)
    salescomp plan --history opportunities.csv [--stage-history stages.csv] --as-of 2026-11-13
                   [--rate EUR=1.08] [--quota 3566400]
    ... --out FOLDER   # next_quarter.html and the tables (CSV), written atomically
    ... --json         # the company forecast, backtest and capacity figures as JSON on stdout

The tables a file gives are validated strictly (docs/planning.md); a bad cell exits with
status 2 and names the file, row, column, value and rule.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._errors import ValidationError

__all__ = ["add_plan_command"]


def add_plan_command(sub: Any) -> None:
    """Register ``plan`` on the ``salescomp`` sub-command parser."""
    p = sub.add_parser(
        "plan",
        help="plan the next quarter: funnel, forecast (P10/P50/P90), backtest, capacity "
        "and plan cost",
    )
    p.add_argument(
        "--history", help="opportunity history (CSV or Parquet; default: the demo company's)"
    )
    p.add_argument("--stage-history", help="stage history (opportunity_id, stage, entered)")
    p.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the data snapshot date (required with --history)",
    )
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="CCY=RATE",
        help="planning rate of a currency into the reporting one, e.g. EUR=1.08 (repeatable)",
    )
    p.add_argument("--currency", default="USD", help="reporting currency (default USD)")
    p.add_argument(
        "--quota", default=None, help="next quarter's quota for coverage (with --history)"
    )
    p.add_argument(
        "--simulations", type=int, default=10_000, help="Monte Carlo simulations (default 10000)"
    )
    p.add_argument("--seed", type=int, default=2026, help="simulation seed (and demo seed)")
    p.add_argument("--out", help="write next_quarter.html and its tables (CSV) to this folder")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a non-empty --out folder salescomp did not write",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument("--quiet", "-q", action="store_true", help="no status messages on stderr")
    p.set_defaults(func=run_plan)


def _rates(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        code, sep, rate = pair.partition("=")
        if not sep or not code or not rate:
            raise ValidationError(f"--rate {pair!r}: expected CCY=RATE, e.g. EUR=1.08")
        out[code] = rate
    return out


def _read(path: str) -> Any:
    """The file itself (CSV cells as text, strict UTF-8 and header checks of salescomp.inputs)."""
    from ..inputs import InputFileError, _named, _read_csv, _read_parquet

    p = Path(path)
    if not p.is_file() or p.suffix not in (".csv", ".parquet"):
        raise FileNotFoundError(f"{path}: no such CSV or Parquet file")
    try:
        return _named(_read_csv(p) if p.suffix == ".csv" else _read_parquet(p), p.name)
    except InputFileError as e:  # the command line reports it as bad input (exit status 2)
        raise ValidationError(str(e)) from None


def _from_history(args: argparse.Namespace) -> Any:
    """A next-quarter view from files: funnel, forecast and backtest (no roster: no capacity
    or plan cost)."""
    from .forecast import backtest, forecast
    from .funnel import coverage, funnel_summary
    from .history import opportunity_history
    from .periods import day_number, quarter_bounds, quarter_key, quarter_label, to_date

    if args.as_of is None:
        raise ValidationError("--as-of is required with --history")
    h = opportunity_history(
        _read(args.history),
        stage_history=_read(args.stage_history) if args.stage_history else None,
        rates=_rates(args.rate),
        currency=args.currency,
        source=Path(args.history).name,
    )
    key = int(quarter_key(day_number(args.as_of))) + 1
    first, last = quarter_bounds(key)
    fc = forecast(
        h,
        first=to_date(first),
        last=to_date(last),
        as_of=args.as_of,
        simulations=args.simulations,
        seed=args.seed,
    )
    return {
        "label": quarter_label(key),
        "forecast": fc,
        "funnel": funnel_summary(h),
        "backtest": backtest(
            h, data_as_of=args.as_of, simulations=max(500, args.simulations // 5), seed=args.seed
        ),
        "coverage": coverage(h, Decimal(args.quota), first, last) if args.quota else None,
    }


def run_plan(args: argparse.Namespace) -> int:
    from .._output import atomic_directory, check_target, write_table

    if args.out:
        check_target(args.out, force=args.force)
    if args.history:
        view = _from_history(args)
        tables = {
            "forecast": view["forecast"].summary,
            "open_pipeline": view["forecast"].open_pipeline,
            "backtest": view["backtest"].quarters,
            "funnel_by_source": view["funnel"].by_source,
            "win_rate_by_stage": view["funnel"].win_rate_by_stage,
        }
        page = (
            view["forecast"]._repr_html_()
            + view["backtest"]._repr_html_()
            + view["funnel"]._repr_html_()
        )
        fc, bt, label, cap = view["forecast"], view["backtest"], view["label"], None
        text = _text(label, fc, bt)
    else:
        from .. import demo
        from ..report import close_quarter
        from .next_quarter import next_quarter

        company = demo.load(args.seed)
        if not args.quiet:
            print(
                "closing the demo company's last quarter (for the cost of plan variants)",
                file=sys.stderr,
            )
        from .periods import day_number, quarter_key

        year, quarter = divmod(
            int(quarter_key(day_number(company.as_of), company.fiscal_start_month)) - 1, 4
        )
        close = close_quarter(company, quarter + 1, fiscal_year=year, progress=False)
        nq = next_quarter(company, close=close, simulations=args.simulations, seed=args.seed)
        tables, page, fc, bt, label, cap = (
            nq.tables(),
            nq.report_html(),
            nq.forecast,
            nq.backtest,
            nq.label,
            nq.capacity,
        )
        text = nq.summary_text()
    if args.out:
        with atomic_directory(args.out, force=args.force, command="plan") as tmp:
            for name, table in tables.items():
                write_table(table, tmp, name)
            (tmp / "next_quarter.html").write_text(
                f"<!doctype html><meta charset='utf-8'><title>Next quarter {label}</title>{page}",
                encoding="utf-8",
            )
    if args.json:
        c = fc.company()
        doc = {
            "quarter": label,
            "currency": fc.currency,
            "as_of": str(fc.as_of),
            "seed": fc.seed,
            "forecast": {k: c[k] for k in ("p10", "p50", "p90", "mean", "closed_form_mean")},
            "backtest": {
                "quarters": bt.quarters.num_rows,
                "mape": bt.mape,
                "bias": bt.bias,
                "coverage": bt.coverage,
            },
        }
        if cap is not None:
            doc["capacity"] = {
                "target": cap.target,
                "hires": cap.hires,
                "start_month": cap.start_month,
                "p10": cap.p10,
                "p50": cap.p50,
                "p90": cap.p90,
            }
        print(json.dumps(doc, indent=2))
    else:
        print(text, end="")
    return 0


def _text(label: str, fc: Any, bt: Any) -> str:
    c = fc.company()
    return (
        f"Next quarter {label} ({fc.first} .. {fc.last}), as of {fc.as_of}, {fc.currency}\n"
        f"  forecast: P10 {c['p10']:,.0f}  P50 {c['p50']:,.0f}  P90 {c['p90']:,.0f}  (mean {c['mean']:,.0f})\n"
        f"  backtest ({bt.quarters.num_rows} quarters): MAPE {bt.mape:.1%}, bias {bt.bias:+.1%}\n"
    )
