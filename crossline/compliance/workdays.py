"""Working days in England and Wales: not a Saturday, a Sunday or a bank holiday.

Bank holidays come from the `holidays` package (England's list, which Wales shares; Scotland and
Northern Ireland have others, but every force on the platform is in England or Wales or is
British Transport Police, whose returns follow the same deadlines). A substitute day counts: when
Boxing Day falls on a Saturday, the Monday after is the bank holiday.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The `count`th working day after `day` (`day` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def end_of_day(day: date) -> datetime:
    """The first instant after `day` ends in London (so 23:59:59.999 BST or GMT is still `day`)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
