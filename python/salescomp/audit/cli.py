"""The audit commands of the ``salescomp`` command line (docs/audit.md)::

    salescomp close  [INPUT_DIR] --ledger DIR --quarter N [--reason TEXT] [--adjustments FILE]
    salescomp verify LEDGER_OR_RECORD [--json]
    salescomp audit-export RECORD --out DIR [--format csv,parquet]

``close`` seals one fiscal quarter of your input folder (default: the demo company) into the
ledger folder; the earlier quarters must be sealed and this one must not be. Manual
adjustments are read from ``--adjustments`` or from ``adjustments.csv`` / ``.parquet`` in
the input folder. ``verify`` runs the independent verifier (exit 1 on any mismatch).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]


def add_commands(sub: Any) -> None:
    """Register ``close``, ``verify`` and ``audit-export`` on the main parser's subparsers."""
    c = sub.add_parser("close", help="seal a fiscal quarter into a ledger of closed periods")
    c.add_argument("input", nargs="?", help="input folder (default: the demo company)")
    c.add_argument(
        "--ledger", required=True, help="the ledger folder (one sealed record per quarter)"
    )
    c.add_argument(
        "--quarter", type=int, required=True, choices=(1, 2, 3, 4), help="the fiscal quarter"
    )
    c.add_argument("--reason", help="why sealed quarters' inputs changed (required when they did)")
    c.add_argument("--adjustments", help="manual adjustments table (CSV or Parquet; docs/audit.md)")
    c.add_argument("--seed", type=int, default=2026, help="demo company seed")
    c.add_argument("--threads", type=int, default=1)
    c.add_argument("--quiet", "-q", action="store_true")
    c.set_defaults(func=_cmd_close)

    v = sub.add_parser("verify", help="re-derive every line of sealed records independently")
    v.add_argument(
        "path", help="a ledger folder or one record folder (its predecessors are read too)"
    )
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.set_defaults(func=_cmd_verify)

    e = sub.add_parser("audit-export", help="write a sealed period's audit table")
    e.add_argument("record", help="a sealed record folder")
    e.add_argument("--out", required=True, help="output folder (written atomically)")
    e.add_argument("--format", default="csv,parquet", help="csv, parquet or both")
    e.add_argument("--force", action="store_true")
    e.set_defaults(func=_cmd_export)


def _adjustments(args: argparse.Namespace) -> Any:
    from ..cli import InputError
    from ..inputs import read_table

    if args.adjustments:
        path = Path(args.adjustments)
        if path.suffix not in (".csv", ".parquet") or not path.is_file():
            raise InputError(f"{path}: --adjustments takes an existing .csv or .parquet file")
        return read_table(path.parent, path.stem)
    return read_table(Path(args.input), "adjustments") if args.input else None


def _cmd_close(args: argparse.Namespace) -> int:
    import sys

    from .. import demo
    from ..cli import load_inputs
    from .ledger import close_period

    company = load_inputs(args.input) if args.input else demo.load(args.seed)
    record = close_period(
        company,
        args.ledger,
        args.quarter,
        reason=args.reason,
        adjustments=_adjustments(args),
        threads=args.threads,
    )
    kinds: dict[str, int] = defaultdict(int)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in record.lines.to_pylist():
        kinds[r["line_kind"]] += 1
        totals[r["currency"]] += r["amount"]
    print(
        f"sealed {record.label} in {record.path}: {record.lines.num_rows} lines "
        f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); total "
        + ", ".join(f"{v} {c}" for c, v in sorted(totals.items()))
    )
    if not args.quiet:
        print(f"started from the {record.manifest['started_from']}", file=sys.stderr)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .. import verify_audit

    return verify_audit.main([args.path] + (["--json"] if args.json else []))


def _cmd_export(args: argparse.Namespace) -> int:
    from .._output import atomic_directory, write_table
    from . import audit_export

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    table = audit_export(args.record)
    with atomic_directory(args.out, force=args.force, command="salescomp audit-export") as tmp:
        write_table(table, tmp, "audit", formats)
    print(json.dumps({"rows": table.num_rows, "out": str(args.out), "formats": list(formats)}))
    return 0
