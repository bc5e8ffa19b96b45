"""Reading the input folder's files: UTF-8 only (BOM allowed), commas, unique header names;
cells stay text for the library's strict grammar; each table names its file."""

from __future__ import annotations

import codecs

import pyarrow as pa
import pytest
from salescomp import _core
from salescomp.inputs import InputFileError, read_table

PEOPLE = "person_id,role,start_date,pay_currency\nzoë,ae,2026-01-05,EUR\n0012,ae,2026-02-01,USD\n"


def write(folder, name, data: bytes):
    (folder / name).write_bytes(data)
    return folder


def test_cells_stay_text_and_the_table_names_its_file(tmp_path):
    t = read_table(write(tmp_path, "people.csv", PEOPLE.encode()), "people")
    assert t.schema.field("person_id").type == pa.string()
    # "0012" is an id, not the number 12; dates are text for the strict ISO parser.
    assert t.column("person_id").to_pylist() == ["zoë", "0012"]
    assert t.column("start_date").to_pylist() == ["2026-01-05", "2026-02-01"]
    assert t.schema.metadata[b"salescomp.source"] == b"people.csv"
    assert read_table(tmp_path, "deals") is None


def test_a_utf8_bom_is_accepted(tmp_path):
    t = read_table(write(tmp_path, "people.csv", codecs.BOM_UTF8 + PEOPLE.encode()), "people")
    assert t.column_names[0] == "person_id"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_are_refused(tmp_path, encoding):
    with pytest.raises(InputFileError, match="people.csv: the file is UTF-16 or UTF-32"):
        read_table(write(tmp_path, "people.csv", PEOPLE.encode(encoding)), "people")


def test_latin1_is_refused_with_its_line(tmp_path):
    with pytest.raises(InputFileError, match="people.csv: line 2 is not UTF-8"):
        read_table(write(tmp_path, "people.csv", PEOPLE.encode("latin-1")), "people")


def test_duplicate_and_empty_header_names_are_refused(tmp_path):
    with pytest.raises(InputFileError, match="names the column 'role' twice"):
        read_table(write(tmp_path, "people.csv", b"person_id,role,role\na,ae,ae\n"), "people")
    with pytest.raises(InputFileError, match="column 2 of the header has no name"):
        read_table(write(tmp_path, "people.csv", b"person_id,,role\na,x,ae\n"), "people")


def test_semicolons_are_refused_clearly(tmp_path):
    with pytest.raises(InputFileError, match="separated by ';'"):
        read_table(write(tmp_path, "people.csv", b"person_id;role\na;ae\n"), "people")


def test_bad_cells_name_the_file_and_the_csv_row(tmp_path):
    t = read_table(write(tmp_path, "people.csv", (PEOPLE + "x,ae,2026-13-01,USD\n").encode()), "people")
    rows, present = _core._check_table(t, "people", "people")
    assert rows == 3 and "start_date" in present
