"""The Arrow producers every boundary test feeds the library from: the same table as
pyarrow, pandas, polars, DuckDB and an object with nothing but the PyCapsule protocol."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


class CapsuleOnly:
    """Exposes nothing but the Arrow PyCapsule stream protocol (like nanoarrow)."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def producers() -> dict[str, Any]:
    """name -> function making that producer's table from a pyarrow table (polars and DuckDB
    when installed)."""
    out: dict[str, Any] = {
        "pyarrow": lambda t: t,
        "pandas": lambda t: t.to_pandas(),
        "capsule": CapsuleOnly,
    }
    try:
        import polars as pl

        out["polars"] = pl.from_arrow
    except ImportError:
        pass
    try:
        import duckdb

        out["duckdb"] = duckdb.connect().from_arrow
    except ImportError:
        pass
    return out
