"""Working days skip weekends and England and Wales bank holidays; a day ends at midnight in London."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crossline.compliance.workdays import add_working_days, end_of_day, is_working_day


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(date(2026, 5, 1))  # a Friday
    assert not is_working_day(date(2026, 5, 2))  # Saturday
    assert not is_working_day(date(2026, 5, 4))  # Early May bank holiday
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day falls on a Saturday: substitute Monday


def test_ten_working_days_after_april_2026_skip_the_may_bank_holiday():
    assert add_working_days(date(2026, 4, 30), 10) == date(2026, 5, 15)
    assert add_working_days(date(2026, 3, 31), 10) == date(2026, 4, 16)  # Good Friday and Easter Monday
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # New Year's Day, then a weekend


def test_a_day_ends_at_midnight_london_time_in_summer_and_winter():
    assert end_of_day(date(2026, 5, 15)) == datetime(2026, 5, 15, 23, 0, tzinfo=UTC)  # BST
    assert end_of_day(date(2026, 11, 13)) == datetime(2026, 11, 14, 0, 0, tzinfo=UTC)  # GMT


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=1, max_value=40))
def test_adding_working_days_lands_on_a_working_day_with_exactly_that_many_on_the_way(day, count):
    result = add_working_days(day, count)
    assert is_working_day(result)
    between = [day + timedelta(days=n) for n in range(1, (result - day).days + 1)]
    assert sum(is_working_day(d) for d in between) == count
