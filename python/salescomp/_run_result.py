"""The result of a period run: payout lines (an Arrow result table), explanations,
statements and the state for the next period (``salescomp.engine.RunResult``).

Kept apart from :mod:`salescomp.engine` because an Arrow result needs pyarrow, and
``import salescomp`` needs only numpy: ``salescomp.engine.RunResult`` imports this module on
first use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ._core import Explanation  # type: ignore[attr-defined]
from ._html import run_result_html
from .tables import ArrowResult

__all__ = ["RunResult", "Statement"]


class Statement:
    """One person's statement: lines, subtotals by component, draw balances and the total
    (the exact sum of the lines), in the plan currency and in the pay currency.
    Renders as a table in Jupyter."""

    def __init__(self, result: RunResult, data: dict) -> None:
        self._result = result
        self._line_indexes: list[int] = list(data["lines"])
        self.person: int = data["person"]
        #: The user's id of the person (``run_period(person_ids=...)``), else None.
        self.person_id: str | None = result._person_id(self.person)
        self.plan: str = data["plan"]
        self.currency: str = data["currency"]
        self.subtotals: list[tuple[str, Decimal]] = [tuple(s) for s in data["subtotals"]]
        self.recoverable_balance: Decimal = data["recoverable_balance"]
        self.guarantee_balance: Decimal = data["guarantee_balance"]
        self.total: Decimal = data["total"]
        self.pay_total: Decimal = data["pay_total"]
        self.pay_currency: str = data["pay_currency"]

    @property
    def lines(self) -> list[dict]:
        """The statement's payout lines (dicts, amounts as ``Decimal``)."""
        all_lines = self._result.lines
        return [all_lines[i] for i in self._line_indexes]

    def to_pandas(self):
        """The statement's lines as a DataFrame (exact ``Decimal`` amounts)."""
        import pandas as pd

        return pd.DataFrame(
            self.lines,
            columns=["component", "deal", "amount", "currency", "pay_amount", "pay_currency", "explanation"],
        )

    def explain(self, line: int) -> Explanation:
        """The explanation of the statement's `line`-th line."""
        return self._result.explain(self._line_indexes[line])

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(line['component'])}</td>"
            f"<td>{'' if line['deal'] is None else line['deal']}</td>"
            f"<td style='text-align:right'>{line['amount']}</td></tr>"
            for line in self.lines
        )
        subtotals = "".join(
            f"<tr><td colspan=2><i>{html.escape(c)}</i></td><td style='text-align:right'><i>{a}</i></td></tr>"
            for c, a in self.subtotals
        )
        paid_in = (
            ""
            if self.pay_currency == self.currency
            else f"<tr><th colspan=2>paid in {self.pay_currency}</th>"
            f"<th style='text-align:right'>{self.pay_total}</th></tr>"
        )
        return (
            f"<table><caption>{html.escape(self.who)}, plan {html.escape(self.plan)} ({self.currency})</caption>"
            f"<tr><th>component</th><th>deal</th><th>amount</th></tr>{rows}{subtotals}"
            f"<tr><td colspan=2>recoverable / guarantee balance</td><td style='text-align:right'>"
            f"{self.recoverable_balance} / {self.guarantee_balance}</td></tr>"
            f"<tr><th colspan=2>total</th><th style='text-align:right'>{self.total}</th></tr>{paid_in}</table>"
        )

    @property
    def who(self) -> str:
        """The person as the user names them (their id), or ``person N`` (run index) without ids."""
        return self.person_id if self.person_id is not None else f"person {self.person}"

    def __repr__(self) -> str:
        person = repr(self.person_id) if self.person_id is not None else self.person
        return f"Statement(person={person}, plan={self.plan!r}, total={self.total} {self.currency})"


class RunResult(ArrowResult):
    """Payout lines, explanations, statements and the state for the next period.

    An Arrow result (:class:`salescomp.tables.ArrowResult`): the payout lines table speaks the
    Arrow PyCapsule stream protocol (``pyarrow.table(r)``, ``polars.DataFrame(r)``, DuckDB) and
    ``to_arrow()`` / ``to_pandas()`` / ``to_polars()`` give it as columns (exact ``decimal128``
    amounts) without building a Python object per line; ``lines`` is the same as a list of
    dicts, built on first use."""

    _repr_html_ = run_result_html

    def __init__(self, core: Any, person_ids: Sequence[str] | None = None) -> None:
        self._core = core
        self._lines: list[dict] | None = None
        #: The user's person ids by run index (``run_period(person_ids=...)``), else None.
        self.person_ids: list[str] | None = None if person_ids is None else list(person_ids)
        # Per-person Python objects are built on first use, never during a run: at 100k
        # people they cost more than the run itself (benchmarks/bench_tiered_payouts.py).
        self._statements: list[Statement] | None = None
        self._by_person: dict[int, Statement] | None = None

    @property
    def statements(self) -> list[Statement]:
        """One :class:`Statement` per person run (built on first use)."""
        if self._statements is None:
            self._statements = [Statement(self, s) for s in self._core.statements]
        return self._statements

    def _person_id(self, person: int) -> str | None:
        ids = self.person_ids
        return ids[person] if ids is not None and 0 <= person < len(ids) else None

    def __len__(self) -> int:
        return len(self._core)

    @property
    def lines(self) -> list[dict]:
        """Every payout line as a dict (``amount`` and ``pay_amount`` as ``Decimal``;
        ``explanation`` is None when the run was made with ``explanations=False``)."""
        if self._lines is None:
            self._lines = list(self._core.lines)
        return self._lines

    def explain(self, line: int | Mapping[str, Any]) -> Explanation:
        """The explanation of a line (its index or the line itself). Runs made with
        ``explanations=False`` recompute the line's person on demand."""
        if isinstance(line, Mapping):
            index = line["explanation"]
            if index is None:
                index = self.lines.index(line)
                return self._core.explain_line(index)
            return self._core.explanation(index)
        entry = self.lines[line]
        if entry["explanation"] is None:
            return self._core.explain_line(line)
        return self._core.explanation(entry["explanation"])

    def statement(self, person: int | str) -> Statement:
        """The statement of `person`: the run index, or the user's id when the run was given
        ``person_ids`` (KeyError when the person was not run)."""
        if isinstance(person, str):
            if self.person_ids is None or person not in self.person_ids:
                raise KeyError(person)
            person = self.person_ids.index(person)
        if self._by_person is None:
            self._by_person = {s.person: s for s in self.statements}
        return self._by_person[person]

    def to_pandas(self):
        """The payout lines as a DataFrame; amounts are exact ``Decimal`` objects."""
        return self.to_arrow().to_pandas()

    def to_arrow(self):
        """The payout lines as a pyarrow Table with exact ``decimal128`` ``amount`` and
        ``pay_amount`` columns (scale = the largest exponent among their currencies, 2 when
        there are no lines)."""
        import numpy as np
        import pyarrow as pa

        c = self._core.columns()

        def decimals(minor: Any, currency: tuple) -> Any:
            # One scale for the column: amounts of currencies with fewer decimals are
            # multiplied up exactly (USD 12.34 is 1234 at scale 2, 12340 at scale 3).
            index, _codes, exponents = currency
            scale = max(exponents, default=2)
            shift = np.array([10 ** (scale - e) for e in exponents] or [1], dtype=np.int64)
            factor = shift[index] if len(minor) else np.ones(0, dtype=np.int64)
            if np.any(np.abs(minor) > np.iinfo(np.int64).max // factor):
                raise OverflowError("[SC-OVERFLOW] an amount does not fit at the column's scale")
            return _decimal_column(minor * factor, scale)

        def names(coded: tuple) -> Any:
            index, values = coded[0], coded[1]
            return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), pa.array(values, pa.string()))

        deal = pa.array(c["deal"], pa.int64(), mask=c["deal"] < 0)
        person_id = {}
        if self.person_ids is not None:  # the user's ids next to the run indexes
            person_id["person_id"] = pa.array(self.person_ids, pa.string()).take(pa.array(c["person"], pa.int32()))
        return pa.table(
            {
                **person_id,
                "person": pa.array(c["person"], pa.int32()),
                "period_start": pa.array(c["period_start"], pa.int32()).cast(pa.date32()),
                "component": names(c["component"]).cast(pa.string()),
                "deal": deal,
                "amount": decimals(c["amount"], c["currency"]),
                "currency": names(c["currency"]).cast(pa.string()),
                "pay_amount": decimals(c["pay_amount"], c["pay_currency"]),
                "pay_currency": names(c["pay_currency"]).cast(pa.string()),
                "explanation": pa.array(c["explanation"], pa.int64(), mask=c["explanation"] < 0),
                "adjustment": pa.array(c["adjustment"], pa.bool_()),
            }
        )

    @property
    def next_state(self) -> Any:
        """The state the next period's run starts from (pass it as ``state=``)."""
        return self._core.next_state


def _decimal_column(minor: Any, scale: int) -> Any:
    """decimal128(38, scale) from int64 values in units of 10^-scale, exactly."""
    from . import tables

    return tables.minor_to_arrow(minor, scale)
