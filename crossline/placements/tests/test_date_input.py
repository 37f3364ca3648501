"""The GOV.UK date input: any three boxes give a date or a GOV.UK message, never anything else."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from crossline.placements.forms import GovukDateField

FIELD = GovukDateField(name_in_errors="Start date", required=False)


@pytest.mark.parametrize(("boxes", "message"), [
    (["", "11", "2026"], "Start date must include a day"),
    (["1", "", ""], "Start date must include a month and a year"),
    (["31", "2", "2026"], "Start date must be a real date"),
    (["1", "2", "26"], "Year must include 4 numbers"),
    (["one", "2", "2026"], "Start date must be a real date"),
    (["²", "2", "2026"], "Start date must be a real date"),
])
def test_govuk_messages(boxes, message):
    with pytest.raises(ValidationError, match=message):
        FIELD.clean(boxes)


def test_a_real_date_and_blank():
    assert FIELD.clean([" 2", "12 ", "2026"]) == date(2026, 12, 2)
    assert FIELD.clean(["", "", ""]) is None


@given(st.lists(st.text(max_size=6), min_size=3, max_size=3))
def test_any_boxes_give_a_date_or_a_message(boxes):
    try:
        value = FIELD.clean(boxes)
    except ValidationError as error:
        assert error.messages and all(message for message in error.messages)
        return
    assert value is None or isinstance(value, date)
