"""Closing periods one after the other into a ledger of sealed records (docs/audit.md).

:func:`close_period` closes one fiscal quarter of a company into ``LEDGER/FY2026-Qn``:

1. the earlier quarters of the year must be sealed already, and this one must not be;
2. the content hashes of every sealed quarter's inputs are recomputed from the current
   inputs; when none changed, the quarter starts from the last record's carried state and
   nothing earlier is run;
3. when some changed (a deal corrected, a split changed, a plan fixed), a ``reason`` is
   required; the sealed quarters are re-run from the year's start with the current inputs
   and the differences, per person, component and deal, are posted in this quarter as
   restatement lines that name the sealed quarter, the changed inputs and the reason (the
   sealed records are never rewritten);
4. manual adjustments dated in the quarter are posted with their reason, author and approval;
5. every line gets its plan version and its explanation as an exact expression
   (:mod:`salescomp.audit.expression`), and the record is written atomically.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from .._errors import ValidationError
from .adjustments import validate_adjustments
from .expression import ExpressionContext
from .inputs import (
    baseline_hashes,
    describe_change,
    input_hashes,
    inputs_sha256,
    inputs_table,
    period_tables,
)
from .lines import (
    adjustments_table,
    engine_lines,
    lines_table,
    manual_lines,
    restated_periods,
    restated_tables,
    restatement_lines,
    statements_table,
    with_period,
)
from .record import (
    SealedPeriodError,
    SealedRecord,
    load_record,
    plan_version,
    record_labels,
    write_record,
)
from .state import Rerun, state_from, state_table

__all__ = ["close_period", "period_label", "load_ledger"]


def period_label(fiscal_year: int, quarter: int) -> str:
    """The label (and record folder name) of a fiscal quarter: ``FY2026-Q1``."""
    return f"FY{fiscal_year}-Q{quarter}"


def load_ledger(ledger: str | Path, fiscal_year: int) -> list[SealedRecord]:
    """The sealed records of ``fiscal_year`` in a ledger folder, Q1 first."""
    ledger = Path(ledger)
    prefix = f"FY{fiscal_year}-Q"
    return [
        load_record(ledger / label) for label in record_labels(ledger) if label.startswith(prefix)
    ]


def close_period(
    company: Any,
    ledger: str | Path,
    quarter: int,
    *,
    fiscal_year: int | None = None,
    reason: str | None = None,
    adjustments: Any = None,
    threads: int = 1,
) -> SealedRecord:
    """Close fiscal ``quarter`` of ``company`` into ``ledger`` (see the module docstring) and
    return the new sealed record."""
    from ..close import quarter_bounds, year_inputs

    ledger = Path(ledger)
    fy = fiscal_year or company.fiscal_year
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"[SC-AUDIT-PERIOD] quarter must be 1..4, got {quarter!r}")
    sealed = _sealed_before(ledger, fy, quarter)
    c = _Close(year_inputs(company, fy, threads=threads), quarter, threads)
    first, last = quarter_bounds(c.inputs.calendar, fy, quarter)
    now_adjustments = _adjustments_now(adjustments, c, sealed, first, last)
    changed = _changes(sealed, c, reason)
    if changed:  # re-run the year so far from its start; the deltas are posted here
        restated, restated_inputs, state, prior = c.rerun(changed)
    else:
        restated, restated_inputs = {}, {}
        prior = sealed[-1] if sealed else None  # the record whose state the quarter starts from
        state = state_from(sealed[-1].state, c.inputs.index, c.deal_ids) if sealed else None
    run = c.run(quarter, state)
    ctx = c.context(quarter, prior)
    plan_of = {c.inputs.person_ids[s.person]: (s.plan, s.currency) for s in run.statements}
    rows = (
        engine_lines(run, ctx)
        + restatement_lines(c.label, sealed, restated, changed, reason or "", first)
        + manual_lines(now_adjustments, ctx, plan_of, first)
    )
    tables = c.record_tables(run, rows, restated, restated_inputs, now_adjustments)
    manifest = {
        "period": {
            "label": c.label,
            "fiscal_year": fy,
            "quarter": quarter,
            "start": str(first),
            "end": str(last),
            "year_start": str(c.inputs.calendar.year_first(fy)),
        },
        "previous": sealed[-1].label if sealed else None,
        "previous_manifest_sha256": _manifest_sha(sealed[-1]) if sealed else None,
        "inputs": c.hashes[quarter],
        "inputs_sha256": inputs_sha256(c.hashes[quarter]),
        "plans": c.versions,
        "restated": {
            p: {"inputs": c.hashes[int(p[-1])], "changed": why, "reason": reason}
            for p, why in changed.items()
        },
        "started_from": "restated re-run of the year"
        if changed
        else (
            f"state of {sealed[-1].label}" if sealed else "empty state (first period of the year)"
        ),
    }
    write_record(ledger, c.label, tables, manifest)
    return load_record(ledger / c.label)


class _Close:
    """One close: the year's inputs, every quarter's run arguments, tables and input hashes."""

    def __init__(self, inputs: Any, quarter: int, threads: int) -> None:
        self.inputs, self.quarter, self.threads = inputs, quarter, threads
        self.fy = inputs.fiscal_year
        self.label = period_label(self.fy, quarter)
        self.deal_ids = inputs.deals._ids.to_pylist()  # by deal row (the order of the ids)
        self.versions = {d["id"]: plan_version(d) for d in inputs.company.plan_documents}
        self.args = {q: inputs.run_args(q) for q in range(1, quarter + 1)}
        self.tables = {q: period_tables(inputs, q, self.args[q]) for q in self.args}
        self.hashes = {q: input_hashes(self.tables[q]) for q in self.args}

    def run(self, q: int, state: Any) -> Any:
        from ..close import _people_named
        from ..engine import run_period

        with _people_named(self.inputs.person_ids, self.label):
            return run_period(**self.args[q], state=state, threads=self.threads)

    def context(self, q: int, prior: Any) -> ExpressionContext:
        return ExpressionContext(
            inputs=self.inputs,
            quarter=q,
            label=period_label(self.fy, q),
            tables=self.tables[q],
            plan_versions=self.versions,
            prior=prior,
        )

    def rerun(self, changed: dict[str, str]) -> tuple[dict, dict, Any, Any]:
        """The sealed quarters re-run from the year's start: their lines, their inputs and
        starting states (kept for the verifier), the state and prior this quarter starts from.
        Quarters whose own inputs did not change are named in ``changed`` too."""
        from .. import _core

        restated: dict[str, list[dict]] = {}
        kept: dict[str, list[Any]] = defaultdict(list)
        state, prior = None, None
        ids = self.inputs.person_ids
        for q in range(1, self.quarter):
            p = period_label(self.fy, q)
            run = self.run(q, state)
            restated[p] = engine_lines(run, self.context(q, prior))
            changed.setdefault(p, "none of its own: a change of an earlier period carried over")
            for name in ("credits", "quotas", "mbo"):
                kept[name].append(with_period(self.tables[q][name], p))
            before = prior.state if prior else state_table(_core._RunState(), [], self.deal_ids)
            kept["state"].append(with_period(before, p))
            state = run.next_state
            prior = Rerun(f"{p} (restated)", state_table(state, ids, self.deal_ids))
        kept["state"].append(with_period(prior.state, self.label))  # this quarter's start
        return restated, kept, state, prior

    def record_tables(
        self,
        run: Any,
        rows: list[dict],
        restated: dict[str, list[dict]],
        restated_inputs: dict[str, list[Any]],
        adjustments: list[dict],
    ) -> dict[str, Any]:
        combined = inputs_sha256(self.hashes[self.quarter])
        lines = lines_table(self.label, rows, combined)
        restated_rows = [r for lines_ in restated.values() for r in lines_]
        own = self.tables[self.quarter]
        return {
            "lines": lines,
            "statements": statements_table(run, lines, self.inputs.person_ids),
            "state": state_table(run.next_state, self.inputs.person_ids, self.deal_ids),
            **{k: own[k] for k in ("credits", "quotas", "mbo", "plans", "plan_assignments")},
            "inputs": inputs_table(self.hashes[self.quarter]),
            "adjustments": adjustments_table(adjustments),
            "restated_lines": lines_table(self.label, restated_rows, combined).set_column(
                1, "period", restated_periods(restated)
            ),
            **restated_tables(restated_inputs, own, self.deal_ids),
        }


def _sealed_before(ledger: Path, fy: int, quarter: int) -> list[SealedRecord]:
    """The year's sealed records before ``quarter``: all of them, and not ``quarter`` itself."""
    label = period_label(fy, quarter)
    if (ledger / label).exists():
        raise SealedPeriodError(
            f"[SC-AUDIT-SEALED] {label} is sealed ({ledger / label}); a sealed period is never "
            "closed again: changes to its inputs show as adjustment lines of the next open period"
        )
    sealed = load_ledger(ledger, fy)
    expected = [period_label(fy, q) for q in range(1, quarter)]
    if [r.label for r in sealed] != expected:
        missing = [x for x in expected if x not in {r.label for r in sealed}]
        later = [r.label for r in sealed if r.label not in expected]
        raise ValidationError(
            f"[SC-AUDIT-ORDER] {label} cannot be closed: "
            + (f"close {', '.join(missing)} first" if missing else f"{', '.join(later)} is sealed")
        )
    return sealed


def _adjustments_now(
    adjustments: Any, c: _Close, sealed: list[SealedRecord], first: Any, last: Any
) -> list[dict]:
    """The manual adjustments dated in the quarter; posted ones unchanged, none left behind."""
    rows = validate_adjustments(adjustments, people=set(c.inputs.person_ids))
    posted = {
        r["adjustment_id"]: (rec.label, r) for rec in sealed for r in rec.adjustments.to_pylist()
    }
    _check_posted_unchanged(rows, posted)
    early = [a for a in rows if a["date"] < first and a["adjustment_id"] not in posted]
    if early:
        raise ValidationError(
            "[SC-AUDIT-ADJ] adjustments dated in sealed periods were never posted: "
            + ", ".join(f"{a['adjustment_id']} ({a['date']})" for a in early)
            + f"; date them in {c.label} ({first} .. {last})"
        )
    return [a for a in rows if first <= a["date"] <= last]


def _changes(sealed: list[SealedRecord], c: _Close, reason: str | None) -> dict[str, str]:
    """Sealed quarter -> what changed in its inputs; a reason is required when anything did."""
    baseline = baseline_hashes(sealed)
    changed: dict[str, str] = {}
    for rec in sealed:
        q = int(rec.label[-1])
        names = [n for n in c.hashes[q] if c.hashes[q][n] != baseline[rec.label].get(n)]
        if names:
            changed[rec.label] = describe_change(names, rec.credits, c.tables[q]["credits"])
    if changed and not (reason and reason.strip()):
        raise ValidationError(
            "[SC-AUDIT-REASON] inputs of sealed periods changed: "
            + "; ".join(f"{p}: {why}" for p, why in changed.items())
            + f"; give the reason for the restatement (close {c.label} --reason TEXT)"
        )
    return changed


def _check_posted_unchanged(rows: list[dict], posted: dict[str, tuple[str, dict]]) -> None:
    """A posted adjustment is part of a sealed record: editing it is refused (enter a new one)."""
    edited = []
    for r in rows:
        if r["adjustment_id"] not in posted:
            continue
        label, old = posted[r["adjustment_id"]]
        now = {**r, "amount": str(r["amount"])}
        fields = [c for c in old if str(old[c]) != str(now[c])]
        if fields:
            edited.append(f"{r['adjustment_id']} (posted in {label}; changed: {', '.join(fields)})")
    if edited:
        raise ValidationError(
            "[SC-AUDIT-ADJ] posted adjustments were edited: "
            + "; ".join(edited)
            + ": a posted adjustment is sealed; enter a new adjustment that corrects it"
        )


def _manifest_sha(rec: SealedRecord) -> str:
    from .record import sha256_file

    return sha256_file(rec.path / "manifest.json")
