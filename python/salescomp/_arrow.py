"""The one door for tables: anything Arrow-shaped in, Arrow-protocol objects out.

Inputs (:func:`arrow_source`): any object that implements the Arrow PyCapsule protocol
(``__arrow_c_stream__`` or ``__arrow_c_array__``: pyarrow tables and record batches, polars
and pandas >= 2.2 DataFrames, DuckDB relations, nanoarrow streams), older pandas DataFrames,
and plain dicts of columns (lists, numpy arrays, pyarrow arrays). The C++ core reads the
producer's buffers directly; nothing is converted row by row in Python.

Outputs (:class:`Table`): the C++ core's result tables, read by pyarrow, polars, pandas and
DuckDB without a copy, with ``to_arrow()`` / ``to_pandas()`` / ``to_polars()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import InputTypeError

__all__ = ["Table", "arrow_source", "table_specs"]


def arrow_source(table: Any, what: str) -> Any:
    """``table`` as an object with ``__arrow_c_stream__`` or ``__arrow_c_array__``.

    ``what`` names the table in messages. Dicts of columns become a pyarrow table (one
    column at a time; Decimal and str values stay exact, floats stay floats and are
    refused later where money is expected)."""
    if hasattr(table, "__arrow_c_stream__") or hasattr(table, "__arrow_c_array__"):
        return table
    if isinstance(table, Mapping):
        return _dict_table(table, what)
    module = type(table).__module__.split(".")[0]
    if module == "pandas":  # pandas < 2.2 has no PyCapsule export
        import pyarrow as pa

        return pa.Table.from_pandas(table, preserve_index=False)
    if module == "duckdb" and hasattr(table, "arrow"):  # DuckDB < 1.1 relations
        return table.arrow()
    raise InputTypeError(
        f"{what}: expected a table (pyarrow, polars, pandas, DuckDB, any object with "
        f"__arrow_c_stream__, or a dict of columns), got {type(table).__name__}"
    )


def _dict_table(columns: Mapping[str, Any], what: str) -> Any:
    import pyarrow as pa

    arrays = {}
    for name, values in columns.items():
        try:
            if isinstance(values, (pa.Array, pa.ChunkedArray)):
                arrays[str(name)] = values
            elif hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
                arrays[str(name)] = pa.array(values)
            else:
                arrays[str(name)] = pa.array(_listed(values), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InputTypeError(f"{what}: column {name!r}: cannot read its values ({e})") from None
    return pa.table(arrays)


def _listed(values: Any) -> Any:
    # numpy arrays and pandas Series go to pyarrow as they are (no per-row Python);
    # other iterables (tuples, generators, ranges) become lists.
    if hasattr(values, "dtype") or isinstance(values, list):
        return values
    return list(values)


class Table:
    """A result table in salescomp's memory, readable without a copy by any Arrow consumer
    (``pyarrow.table(t)``, ``polars.DataFrame(t)``, ``duckdb.sql("select * from t")``)."""

    def __init__(self, core: Any) -> None:
        self._core = core

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow PyCapsule stream protocol."""
        return self._core.__arrow_c_stream__(requested_schema)

    @property
    def num_rows(self) -> int:
        return int(self._core.num_rows)

    @property
    def column_names(self) -> list[str]:
        return list(self._core.column_names)

    def __len__(self) -> int:
        return self.num_rows

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` over the same memory (exact ``decimal128`` money)."""
        import pyarrow as pa

        return pa.table(self)

    def to_pandas(self) -> Any:
        """A pandas DataFrame (money as exact ``decimal.Decimal`` objects)."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """A polars DataFrame (money as exact ``Decimal`` columns)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow())

    def to_pylist(self) -> list[dict[str, Any]]:
        """One dict per row (for small tables)."""
        return self.to_arrow().to_pylist()

    def __repr__(self) -> str:
        return f"salescomp.Table({self.num_rows} rows: {', '.join(self.column_names)})"

    def _repr_html_(self) -> str:
        from ._html import arrow_html

        return arrow_html(self.to_arrow(), caption=f"{self.num_rows:,} rows")


def table_specs() -> list[dict[str, Any]]:
    """The declared schema of every input table (name, doc, fields with kind, required,
    doc and accepted Arrow types), as docs/tables.md renders them."""
    from ._core import _table_specs  # type: ignore[attr-defined]

    return list(_table_specs())
