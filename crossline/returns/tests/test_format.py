"""format.py is the one description of format v1 that the validator, the template and the
synthetic data generator all follow: these checks keep it self-consistent with the spec."""

import pytest

from crossline.returns import format as fmt


@pytest.mark.parametrize("sheet", fmt.SHEETS.values(), ids=lambda sheet: sheet.name)
def test_every_column_has_a_known_kind_and_a_valid_requirement(sheet):
    for column in sheet.columns.values():
        assert column.kind in fmt.KINDS, column
        assert column.required in ("yes", "no") or column.one_of_group in fmt.ONE_OF_GROUPS \
            or column.condition in fmt.CONDITIONS, column
        assert (column.vocabulary is not None) == (column.kind in ("vocab", "vocab_multi")), column


@pytest.mark.parametrize("name", fmt.RECORD_SHEETS)
def test_every_record_sheet_has_its_own_reference_and_a_grading(name):
    sheet = fmt.SHEETS[name]
    assert sheet.ref_column == {"lines": "line_ref", "people": "person_ref", "locations": "location_ref",
                                "vehicles": "vehicle_ref", "events": "event_ref"}[name]
    assert sheet.columns[sheet.ref_column].required == "yes"
    for grading in ("source_eval", "intel_assessment", "handling_code"):
        assert sheet.columns[grading].required == "yes"
    assert sheet.columns["handling_conditions"].condition == "handling_code_c"


def test_cross_references_point_at_sheets_read_before_the_sheet_holding_them():
    # The validator checks a cross-reference as soon as it reads it, so the target sheet must
    # come earlier in SHEETS than the sheet that refers to it.
    order = list(fmt.SHEETS)
    for sheet in fmt.SHEETS.values():
        for column in sheet.columns.values():
            if column.refers_to:
                assert order.index(column.refers_to) < order.index(sheet.name), (sheet.name, column.name)


def test_groups_and_conditions_name_columns_that_exist():
    for group, names in fmt.ONE_OF_GROUPS.items():
        members = [(sheet.name, column.name) for sheet in fmt.SHEETS.values() for column in sheet.columns.values()
                   if column.one_of_group == group]
        assert len({sheet for sheet, _ in members}) == 1, group
        assert [column for _, column in members] == list(names)
    for sheet in fmt.SHEETS.values():
        for column in sheet.columns.values():
            if column.condition:
                assert fmt.CONDITIONS[column.condition].when_column in sheet.columns


def test_the_required_and_optional_sheets_are_as_the_spec_says():
    assert {name for name, sheet in fmt.SHEETS.items() if sheet.required} == {"return", "lines", "people",
                                                                               "locations"}
    assert set(fmt.RECORD_SHEETS) == {"lines", "people", "locations", "vehicles", "events"}
    assert list(fmt.RETURN_FIELDS) == ["format_version", "force", "period_start", "period_end", "submitted_by",
                                       "contact_email"]
