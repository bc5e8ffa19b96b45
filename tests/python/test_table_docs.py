"""docs/tables.md is generated from the library's table declarations and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from salescomp.tables import table_specs

ROOT = Path(__file__).resolve().parents[2]


def test_tables_page_is_current():
    spec = importlib.util.spec_from_file_location("gen_table_docs", ROOT / "scripts" / "gen_table_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    expected = gen.render(table_specs())
    actual = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/tables.md is stale: run scripts/gen_table_docs.py > docs/tables.md"
