"""The writers turn plain rows into each of the three forms exactly as the readers expect them."""

from datetime import date, datetime

import pytest

from crossline.returns.readers import Formula as ReadFormula
from crossline.returns.readers import read_upload
from crossline.synthetic.writers import Formula, Rendering, write_return

DOCUMENT = {
    "return": {"format_version": 1, "force": "E23000010", "period_start": date(2026, 10, 1),
               "period_end": date(2026, 10, 31), "submitted_by": "DS Test, FIB", "contact_email": "fib@x.example"},
    "lines": [{"line_ref": "L1", "line_name": "JAY", "deal_numbers": ["07700 900123", "+447700900124"],
               "exporting_area": "E23000010", "importing_areas": ["E23000009"], "status": "active",
               "violence": True, "first_reported": date(2026, 3, 9), "source_eval": "R",
               "intel_assessment": "2", "handling_code": "P"}],
    "people": [{"person_ref": "P1", "surname": "=Smith", "forenames": "Jay", "date_of_birth": date(2010, 5, 1),
                "notes": Formula("=1+1"), "roles": ["runner"], "vulnerable": True,
                "vulnerability_factors": ["under_18"]}],
}


def _read(path):
    with read_upload(path.read_bytes(), path.name) as source:
        return {sheet: [row.cells for row in source.rows(sheet)] for sheet in source.sheet_names()}


def test_xlsx_has_real_date_cells_text_that_stays_text_and_formulas_that_are_formulas(tmp_path):
    sheets = _read(write_return(DOCUMENT, tmp_path / "r.xlsx", "xlsx"))
    person = sheets["people"][0]
    assert person["date_of_birth"] == datetime(2010, 5, 1)
    assert person["surname"] == "=Smith"
    assert person["notes"] == ReadFormula("=1+1")
    assert sheets["lines"][0]["deal_numbers"] == "07700 900123;+447700900124"
    assert sheets["lines"][0]["violence"] == "Y"


def test_csv_dates_follow_the_rendering_and_multi_values_its_separator(tmp_path):
    rendering = Rendering(dates="uk", separator="; ", yes_no=("Yes", "No"), bom=True)
    sheets = _read(write_return(DOCUMENT, tmp_path / "r.zip", "zip", rendering=rendering))
    assert sheets["people"][0]["date_of_birth"] == "01/05/2010"
    assert {"field": "period_end", "value": "31/10/2026"} in sheets["return"]
    assert sheets["lines"][0]["deal_numbers"] == "07700 900123; +447700900124"
    assert sheets["lines"][0]["violence"] == "Yes"


def test_json_has_iso_dates_arrays_and_leaves_blanks_out(tmp_path):
    document = {**DOCUMENT, "people": [{**DOCUMENT["people"][0], "notes": None, "aliases": []}]}
    sheets = _read(write_return(document, tmp_path / "r.json", "json"))
    assert sheets["lines"][0]["deal_numbers"] == ["07700 900123", "+447700900124"]
    assert sheets["people"][0]["date_of_birth"] == "2010-05-01"
    assert "notes" not in sheets["people"][0] and "aliases" not in sheets["people"][0]


@pytest.mark.parametrize("form", ["xlsx", "zip", "json"])
def test_writing_twice_gives_the_same_bytes(tmp_path, form):
    first = write_return(DOCUMENT, tmp_path / f"a.{form}", form).read_bytes()
    assert write_return(DOCUMENT, tmp_path / f"b.{form}", form).read_bytes() == first


def test_a_column_the_format_does_not_know_is_written_as_given(tmp_path):
    document = {**DOCUMENT, "people": [{**DOCUMENT["people"][0], "officer_comments": "see RMS"}]}
    with read_upload((path := write_return(document, tmp_path / "r.zip", "zip")).read_bytes(), path.name) as source:
        assert "officer_comments" in source.header("people")
