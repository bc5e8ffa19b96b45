"""Audit: closed periods stay closed, every change is a dated adjustment, every line can be
re-derived independently (docs/audit.md).

- :func:`close_period` closes one fiscal quarter into a ledger folder of sealed records
  (Parquet + ``manifest.json``), starting from the previous record's carried state;
- changes to a sealed quarter's inputs show as restatement lines of the next open quarter,
  with the reason; manual adjustments are an input table (:data:`ADJUSTMENT_COLUMNS`);
- every line records its plan id and version and its arithmetic as an exact expression;
- :func:`verify` runs the independent verifier (:mod:`salescomp.verify_audit`);
- :func:`audit_export` is the per-period table for an auditor's tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .adjustments import ADJUSTMENT_COLUMNS, validate_adjustments
from .ledger import close_period, load_ledger, period_label
from .record import FORMAT, SealedPeriodError, SealedRecord, load_record

__all__ = [
    "ADJUSTMENT_COLUMNS",
    "FORMAT",
    "SealedPeriodError",
    "SealedRecord",
    "audit_export",
    "close_period",
    "load_ledger",
    "load_record",
    "period_label",
    "validate_adjustments",
    "verify",
]

#: The columns of :func:`audit_export`, in order.
EXPORT_COLUMNS = (
    "line_id",
    "period",
    "person_id",
    "plan_id",
    "plan_version",
    "component",
    "deal_id",
    "amount",
    "currency",
    "line_kind",
    "restates",
    "changed_inputs",
    "reason",
    "adjustment_id",
    "author",
    "approval_ref",
    "inputs_sha256",
    "expression",
)


def audit_export(record: SealedRecord | str | Path) -> Any:
    """The auditor's table of one sealed period (pyarrow): one row per line with its id, person,
    plan version, component, amount, the period's inputs hash and the expression (JSON text)."""
    if not isinstance(record, SealedRecord):
        record = load_record(record)
    return record.lines.select(list(EXPORT_COLUMNS))


def verify(path: str | Path) -> dict[str, Any]:
    """Run the independent verifier over a record (with its predecessors) or a ledger folder:
    ``{"records", "lines", "mismatches", "unverifiable"}``."""
    from .. import verify_audit

    return verify_audit.verify(path)
