"""The HTML report of a quarter close (:mod:`salescomp.close`).

:func:`render_html` writes one self-contained HTML page (charts embedded as PNG). The
quarter close itself lives in :mod:`salescomp.close`; ``close_quarter``, ``QuarterClose`` and
``quarter_bounds`` are re-exported here for code written against earlier versions.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from .close import (
    CREDIT_KIND_ENUM,
    QuarterClose,
    _require_engine_run,
    close_quarter,
    quarter_bounds,
)

__all__ = ["QuarterClose", "close_quarter", "render_html", "quarter_bounds", "CREDIT_KIND_ENUM"]


# -- HTML -------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{margin-bottom:0}.sub{color:#666;margin-top:.2em}
table{border-collapse:collapse;margin:.5em 0 1.5em 0;font-size:14px}
th,td{border-bottom:1px solid #ddd;padding:4px 10px}th{text-align:left;background:#f5f5f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1em}
"""


def _table_html(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class='n'>{html.escape(str(v))}</td>" if i in numeric
                         else f"<td>{html.escape('' if v is None else str(v))}</td>"
                         for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(close: QuarterClose, charts: dict[str, bytes] | None = None, *, title: str | None = None) -> str:
    """One self-contained HTML page: summary tables and the charts (PNG bytes by name)."""
    import base64

    cur = close.reporting_currency
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title or close.label)}</title>"
             f"<style>{_CSS}</style></head><body>"]
    parts.append(f"<h1>{html.escape(title or 'Quarter close ' + close.label)}</h1>")
    parts.append(f"<p class='sub'>{close.start} .. {close.end} · {close.statements.num_rows} statements · "
                 f"total paid {close.total_paid():,} {cur} (reporting currency, converted at "
                 f"{close.end})</p>")
    charts = charts or {}

    def img(name: str) -> str:
        if name not in charts:
            return ""
        return (f"<img alt='{html.escape(name)}' src='data:image/png;base64,"
                f"{base64.b64encode(charts[name]).decode('ascii')}'>")

    parts.append("<h2>Attainment</h2>")
    for key, d in close.distribution.items():
        pct = ", ".join(f"p{int(p * 100)} {v:.1%}" for p, v in d["percentiles"].items())
        parts.append(f"<p><b>{html.escape(key)}</b>: {d['at_or_above']} of {d['people']} at or above quota "
                     f"({d['share_at_or_above']:.0%}); {html.escape(pct)}</p>")
    parts.append(img("attainment_distribution"))
    parts.append("<h2>Payouts</h2><div class='grid'><div>")
    parts.append(_table_html(["role", f"total ({cur})"], [[r, f"{v:,}"] for r, v in close.totals_by("role")], {1}))
    parts.append("</div><div>")
    parts.append(_table_html(["component", f"total ({cur})"],
                             [[r, f"{v:,}"] for r, v in close.totals_by("component")], {1}))
    parts.append("</div></div>")
    parts.append(img("totals_by_component"))
    parts.append("<h3>Top earners</h3>")
    parts.append(_table_html(["person", "role", "plan", "total", "currency", f"total ({cur})"],
                             [[r["person_id"], r["role"], r["plan"], f"{r['total']:,}", r["currency"],
                               f"{r['total_reporting']:,}"] for r in close.top_earners(10)], {3, 5}))
    if "statement_waterfall" in charts:
        parts.append("<h3>Statement of the top earner</h3>" + img("statement_waterfall"))
    if "payout_curve" in charts:
        parts.append("<h3>AE plan: payout against attainment</h3>" + img("payout_curve"))
    if close.attribution:
        parts.append("<h2>Attribution by channel</h2>")
        models = list(close.attribution)
        channels = close.attribution[models[0]].column("channel").to_pylist()
        values = {m: dict(zip(t.column("channel").to_pylist(), t.column("value").to_pylist()))
                  for m, t in close.attribution.items()}
        parts.append(_table_html(["channel"] + models,
                                 [[ch] + [f"{values[m].get(ch, Decimal(0)):,}" for m in models] for ch in channels],
                                 set(range(1, len(models) + 1))))
        parts.append(img("attribution_by_channel"))
    if close.pacing is not None and close.pacing.num_rows:
        parts.append(f"<h2>Pacing for the next quarter (as of {close.as_of})</h2>")
        p = close.pacing.to_pylist()
        parts.append(_table_html(
            ["subject", "measure", "quota", "credited", "expected", "run rate", "pipeline forecast", "on pace"],
            [[r["subject"], r["measure"], f"{r['quota']:,}", f"{r['credited']:,}", f"{r['expected']:,}",
              f"{r['run_rate']:,}", f"{r['pipeline_forecast']:,}", "yes" if r["on_pace"] else "no"]
             for r in p if r["subject_kind"] == "person"], {2, 3, 4, 5, 6}))
        parts.append(img("pacing"))
    if close.accounting_roll_forward is not None and close.accounting_roll_forward.num_rows:
        parts.append("<h2>Commission expense accounting (ASC 340-40 / IFRS 15)</h2>")
        parts.append("<p>Commissions tied to a deal are capitalised and amortised over the contract term; "
                     "clawbacks reduce the asset. Roll-forward by month:</p>")
        cols = ["opening", "additions", "reductions", "amortisation", "write_offs", "closing", "current",
                "non_current"]
        parts.append(_table_html(
            ["currency", "month"] + cols,
            [[r["currency"], str(r["month"])[:7]] + [f"{r[c]:,}" for c in cols]
             for r in close.accounting_roll_forward.to_pylist()], set(range(2, 2 + len(cols)))))
    parts.append("<p class='sub'>Generated by salescomp. Every amount is exact to the cent; the statement of "
                 "each person is in statements/ and the explanation of each line in payouts.csv.</p>")
    parts.append("</body></html>")
    return "".join(parts)
