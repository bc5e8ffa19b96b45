"""The sealed record of a closed period: Parquet tables plus a JSON manifest (docs/audit.md).

A record is a folder ``LEDGER/FY2026-Q1`` written once, atomically, through
:func:`salescomp._output.atomic_directory`, and never rewritten: closing a period that
already has a record is refused (:class:`SealedPeriodError`). ``manifest.json`` names the
format version, the period, every file with its SHA-256 and row count, the content hashes
of the period's inputs and the plan versions; :func:`load_record` checks every hash before
anything is read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import Error, ValidationError

__all__ = [
    "FORMAT",
    "RECORD_FILES",
    "SealedPeriodError",
    "SealedRecord",
    "load_record",
    "record_labels",
    "sha256_file",
    "table_sha256",
    "plan_version",
    "write_record",
]

#: The ``format`` of manifest.json; the number changes only when a file or column is removed
#: or changes meaning (new optional columns keep it).
FORMAT = "salescomp.sealed-period/1"

#: The tables of a record, in manifest order.
RECORD_FILES = (
    "lines",
    "statements",
    "state",
    "credits",
    "quotas",
    "mbo",
    "plans",
    "plan_assignments",
    "inputs",
    "adjustments",
    "restated_lines",
    "restated_credits",
    "restated_quotas",
    "restated_mbo",
    "restated_state",
)

_LABEL = re.compile(r"FY(\d{4})-Q([1-4])")


class SealedPeriodError(Error, FileExistsError):
    """A period that already has a sealed record was asked to be closed again."""

    id = "SC-AUDIT-SEALED"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def table_sha256(table: Any) -> str:
    """Content hash of a table, independent of its row order and Arrow types: SHA-256 of the
    UTF-8 JSON ``{"columns": [...], "rows": [...]}`` (no spaces), the cells as text (decimals
    as written at the column's scale, dates ISO, null as null), rows sorted by their JSON text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = sorted(table.column_names)
    cols = []
    for n in names:
        col = table.column(n)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols.append(pc.cast(col, pa.string()).to_pylist() if table.num_rows else [])
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    rows = sorted(compact(list(r)) for r in zip(*cols)) if cols else []
    text = '{"columns":' + compact(names) + ',"rows":[' + ",".join(rows) + "]}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(document: Any) -> str:
    """A JSON document as canonical text: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def plan_version(document: Any) -> str:
    """A plan document's version: SHA-256 of its canonical JSON text."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


@dataclass
class SealedRecord:
    """A loaded record: the manifest and its tables (pyarrow)."""

    path: Path
    manifest: dict[str, Any]
    tables: dict[str, Any]

    @property
    def label(self) -> str:
        return self.manifest["period"]["label"]

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


def record_labels(ledger: Path) -> list[str]:
    """Labels of the records in a ledger folder, in period order."""
    if not ledger.is_dir():
        return []
    found = [p.name for p in ledger.iterdir() if p.is_dir() and _LABEL.fullmatch(p.name)]
    return sorted(found)


def write_record(
    ledger: Path, label: str, tables: dict[str, Any], manifest: dict[str, Any]
) -> Path:
    """Write the record ``ledger/label`` atomically; refuse when it exists."""
    import pyarrow.parquet as pq

    from .._output import atomic_directory

    target = ledger / label
    if target.exists():
        raise SealedPeriodError(
            f"[SC-AUDIT-SEALED] {label} is sealed ({target}); a sealed period is never "
            "closed again: changes to its inputs show as adjustment lines of the next open "
            "period"
        )
    ledger.mkdir(parents=True, exist_ok=True)
    with atomic_directory(target, command=f"salescomp close {label}") as tmp:
        files = {}
        for name in RECORD_FILES:
            path = tmp / f"{name}.parquet"
            pq.write_table(tables[name], path, compression="zstd")
            files[f"{name}.parquet"] = {"sha256": sha256_file(path), "rows": tables[name].num_rows}
        body = {"format": FORMAT, **manifest, "files": files}
        (tmp / "manifest.json").write_text(
            json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return target


def load_record(folder: str | Path) -> SealedRecord:
    """Read a record, checking the format and every file's SHA-256 first."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    path = folder / "manifest.json"
    if not path.is_file():
        raise ValidationError(f"[SC-AUDIT-RECORD] {folder}: no manifest.json (not a sealed record)")
    from .._core import parse_json  # type: ignore[attr-defined]

    # The library's strict reader: a duplicate key or an invalid number is an error, never
    # a silently chosen value (docs/input-grammar.md).
    manifest = parse_json(path.read_bytes())
    if manifest.get("format") != FORMAT:
        raise ValidationError(
            f"[SC-AUDIT-RECORD] {path}: format {manifest.get('format')!r}, expected {FORMAT!r}"
        )
    tables = {}
    missing = sorted(set(f"{n}.parquet" for n in RECORD_FILES) - set(manifest["files"]))
    missing += sorted(n for n in manifest["files"] if not (folder / n).is_file())
    if missing:
        raise ValidationError(f"[SC-AUDIT-TAMPERED] {folder}: missing {', '.join(missing)}")
    for name, entry in manifest["files"].items():
        digest = sha256_file(folder / name)
        if digest != entry["sha256"]:
            raise ValidationError(
                f"[SC-AUDIT-TAMPERED] {folder / name}: SHA-256 {digest} differs from the "
                f"manifest's {entry['sha256']}"
            )
        tables[name.removesuffix(".parquet")] = pq.read_table(folder / name)
    return SealedRecord(folder, manifest, tables)
