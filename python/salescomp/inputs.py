"""A company's input folder (the ``salescomp run`` layout): one table per file.

Each table is ``NAME.csv`` or ``NAME.parquet`` (Parquet wins when both exist), read by
pyarrow and handed to the library as it is: CSV cells stay text and are parsed by the
library's strict grammar (docs/tables.md), so every bad cell is reported with the file
name, the 1-based data row (CSV line = row + 1) and the column, and nothing is coerced
on the way. What is checked here, before any table is read by the library:

- the file is UTF-8 (a UTF-8 byte-order mark is allowed); UTF-16/32 and other encodings
  are refused with the line of the first bad byte;
- the delimiter is a comma (a header that only splits on ``;`` or a tab is refused);
- header names are unique and not empty.

Every table read here carries its file name in its schema metadata
(``salescomp.source``), which the library uses in its messages.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

__all__ = ["INPUT_TABLES", "InputFileError", "read_table"]

#: Tables of ``salescomp run``: name -> required.
INPUT_TABLES: dict[str, bool] = {
    "people": True,
    "assignments": True,
    "leaves": False,
    "deals": True,
    "splits": False,
    "account_managers": False,
    "quotas": True,
    "ramp_assignments": False,
    "opportunities": False,
    "touchpoints": False,
    "outcomes": False,
    "fx_rates": False,
}


class InputFileError(ValueError):
    """A file of the input folder cannot be read as a table (exit status 2)."""


def read_table(folder: Path, name: str) -> Any:
    """The table ``name`` of ``folder`` as a pyarrow Table (CSV cells as text), or None."""
    parquet, text = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        return _named(_read_parquet(parquet), parquet.name)
    if text.exists():
        return _named(_read_csv(text), text.name)
    return None


def _named(table: Any, source: str) -> Any:
    metadata = dict(table.schema.metadata or {})
    metadata[b"salescomp.source"] = source.encode("utf-8")
    return table.replace_schema_metadata(metadata)


def _read_parquet(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise InputFileError(f"{path.name}: not a readable Parquet file ({e})") from None


_UTF16_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _header(path: Path) -> list[str]:
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    for bom in _UTF16_32:
        if head.startswith(bom):
            raise InputFileError(f"{path.name}: the file is UTF-16 or UTF-32; save it as UTF-8")
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputFileError(f"{path.name}: line 1 is not UTF-8 (byte {e.start + 1}); save the file as UTF-8") from None
    if not text.strip():
        raise InputFileError(f"{path.name}: the first line must be a header naming the columns")
    names = next(csv.reader(io.StringIO(text)))
    if len(names) == 1 and (";" in text or "\t" in text):
        sep = "';'" if ";" in text else "a tab"
        raise InputFileError(f"{path.name}: columns are separated by {sep}; salescomp reads comma-separated files")
    seen: set[str] = set()
    for k, n in enumerate(names, 1):
        if not n.strip():
            raise InputFileError(f"{path.name}: column {k} of the header has no name")
        if n in seen:
            raise InputFileError(f"{path.name}: the header names the column {n!r} twice")
        seen.add(n)
    return names


def _first_bad_utf8_line(path: Path) -> int:
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _read_csv(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header(path)
    try:
        return pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=","),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                null_values=[""],
                check_utf8=True,
            ),
        )
    except pa.ArrowInvalid as e:
        message = str(e)
        if "UTF8" in message or "utf8" in message.lower():
            line = _first_bad_utf8_line(path)
            raise InputFileError(f"{path.name}: line {line} is not UTF-8; save the file as UTF-8") from None
        raise InputFileError(f"{path.name}: {message}") from None
