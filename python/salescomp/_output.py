"""Output folders written completely or not at all.

:func:`atomic_directory` yields a temporary directory beside the target (same file system);
when the block finishes, the target is replaced by a rename. If anything fails, the
temporary directory is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["atomic_directory", "write_table"]


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Write into the yielded directory; on success it becomes ``target``."""
    target = Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory")
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists (pass overwrite=True to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes it private; the result is an ordinary folder
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    try:
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        if old is not None and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_table(table: Any, folder: Path, name: str, formats: tuple[str, ...] = ("csv",)) -> list[Path]:
    """Write a pyarrow Table as ``name.csv`` and/or ``name.parquet`` (decimal128 stays
    exact: CSV gets the decimal text, Parquet the decimal type)."""
    written = []
    for fmt in formats:
        if fmt == "csv":
            import pyarrow.csv as pacsv

            path = folder / f"{name}.csv"
            pacsv.write_csv(_csv_ready(table), path)
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            path = folder / f"{name}.parquet"
            pq.write_table(table, path)
        else:
            raise ValueError(f"unknown output format {fmt!r} (csv, parquet)")
        written.append(path)
    return written


def _csv_ready(table: Any) -> Any:
    """Dictionary columns decoded (the CSV writer wants plain values)."""
    import pyarrow as pa

    cols = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols.append(col)
    return pa.table(cols, names=table.column_names)
