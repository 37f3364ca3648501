from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from crossline.returns.format import SHEETS
from crossline.returns.readers import read_upload
from crossline.returns.template import build_template, example_return
from crossline.returns.validate import validate_return


def test_the_template_has_every_sheet_and_column_with_dropdowns_and_date_formats():
    workbook = load_workbook(BytesIO(build_template()))
    assert workbook.sheetnames == ["instructions", *SHEETS]
    for name, spec in SHEETS.items():
        if name == "return":
            continue
        sheet = workbook[name]
        header = [cell.value for cell in sheet[1]]
        assert header == list(spec.columns)
        dropdowns = {str(v.sqref).split(":")[0][:-1].rstrip("0123456789"): v for v in sheet.data_validations.dataValidation
                     if v.type == "list"}
        for index, column in enumerate(spec.columns.values()):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            wants_list = column.kind == "yesno" or (column.vocabulary and not column.multi)
            assert (letter in dropdowns) == bool(wants_list), (name, column.name)
            if column.kind == "date":
                assert sheet.cell(row=2, column=index + 1).number_format == "DD/MM/YYYY"


@pytest.mark.django_db
def test_the_filled_example_is_a_valid_return():
    content = build_template(example_return(period_end=date(2026, 10, 31)))
    result = validate_return(read_upload(content, "example.xlsx"), today=date(2026, 11, 26))
    assert result.errors == []
    assert {name: len(records) for name, records in result.validated.records.items()} == {
        "lines": 1, "people": 2, "locations": 1, "vehicles": 1, "events": 1}


@pytest.mark.django_db
def test_the_blank_template_is_rejected_only_for_its_missing_return_fields():
    result = validate_return(read_upload(build_template(), "blank.xlsx"), today=date(2026, 11, 26))
    assert result.errors and all(issue.sheet == "return" for issue in result.errors)
