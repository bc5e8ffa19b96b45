"""Render docs/tables.md from the declared table schemas (salescomp.tables.table_specs).

    PYTHONPATH=build/dev/python python scripts/gen_table_docs.py > docs/tables.md

tests/python/test_table_docs.py checks that the checked-in page is current.
"""

from __future__ import annotations

import sys

HEADER = """# Tables: every input's declared schema

Generated from the library's own table declarations (`src/arrow/table_specs.cpp`) by
`scripts/gen_table_docs.py`; do not edit by hand.

Every table is read through the Arrow C Data Interface: pass any object that implements
the Arrow PyCapsule protocol (pyarrow, polars, pandas >= 2.2, DuckDB, nanoarrow), a dict of
columns, or (on the command line) a CSV or Parquet file. Rules that hold for every table:

- **Unknown columns are errors** that name the column and the nearest known name, unless
  the caller asks to ignore extra columns (`ignore_extra_columns=True`).
- **Every bad cell is listed** in one error: source (file or table), 1-based row (row 1 is
  the first row after a CSV header), field, the value as written, and the rule.
- **Ids are the user's text** (CRM ids, numeric-looking text, unicode): valid UTF-8, 1 to
  256 bytes, no control characters (NUL, tab, newline), no leading or trailing space.
  Integer id columns are read as their decimal text. Ties everywhere are broken by id text
  (byte order), so the order of the rows of any input never moves a cent.
- **Integers** are ASCII `-?digits` (no `+`, `_`, spaces or full-width digits) and are range
  checked: a value outside a field's range is an error, never narrowed.
- **Dates** are ISO `YYYY-MM-DD` (not `20260111`, `2026-W02-7` or `2026-1-5`), or Arrow
  date32 / date64 / timestamps at midnight (no time zone or UTC).
- **Money** is decimal (decimal32/64/128/256) or decimal text `-?digits[.digits]` with at most
  the currency's decimals (JPY 0, USD 2, KWD 3) unless a rounding mode is given; binary floats
  are refused, and integers are refused as ambiguous except in minor-unit columns.

In Python, one module holds the table plumbing: `salescomp.tables` (the door every table
comes in by, `arrow_source` / `as_arrow_table`; the whole-column readers for money, dates,
integers and ids; the exact decimal128 writers; the `Table` result class and these
declarations). The C++ core reads the producer's buffers through the Arrow C Data Interface
(`include/salescomp/arrow/`); nothing is converted row by row in Python.

"""


def render(specs: list[dict]) -> str:
    out = [HEADER]
    for spec in specs:
        out.append(f"## `{spec['name']}`\n\n{spec['doc']}\n\n")
        out.append("| column | kind | required | meaning | Arrow types accepted |\n|---|---|---|---|---|\n")
        for f in spec["fields"]:
            kind = f["kind"]
            if "range" in f:
                kind += f" {f['range'][0]}..{f['range'][1]}"
            required = "yes" if f["required"] else "no"
            out.append(f"| `{f['name']}` | {kind} | {required} | {f['doc']} | {f['accepted_types']} |\n")
        out.append("\n")
    return "".join(out).rstrip() + "\n"


def main() -> int:
    from salescomp.tables import table_specs

    sys.stdout.write(render(table_specs()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
