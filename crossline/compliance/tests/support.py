"""Small returns submitted at a chosen moment, and the national schedule they are judged by."""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from crossline.compliance.models import ReturnSchedule
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_json, sample_return

LONDON = ZoneInfo("Europe/London")
FORCE_NAMES = {"E23000010": "West Yorkshire", "E23000009": "North Yorkshire"}


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def monthly_return(year: int, month: int, *, force: str = "E23000010") -> dict:
    """The builders' sample return, moved to `year`-`month` and to `force`."""
    doc = sample_return()
    last = calendar.monthrange(year, month)[1]
    doc["return"].update(force=force, period_start=date(year, month, 1).isoformat(),
                         period_end=date(year, month, last).isoformat())
    doc["lines"][0]["first_reported"] = "2025-06-01"
    doc["lines"][0]["exporting_area"] = force
    doc["events"][0]["date"] = date(year, month, 15).isoformat()
    return doc


def submit_at(moment: datetime, user, doc: dict):
    """`user` submits `doc` at `moment` (the clock is stopped there while it is received)."""
    with freeze_time(moment):
        return return_submit(content=as_json(doc), filename="return.json", form=None, actor=user,
                             organisation=user.organisation)


def broken(doc: dict) -> dict:
    """The same return with a child recorded as not vulnerable: rejected."""
    doc["people"][0]["vulnerable"] = "N"
    doc["people"][0]["vulnerability_factors"] = []
    return doc


@pytest.fixture
def monthly_schedule(db):
    """Monthly returns from January 2026, due 10 working days after each month ends."""
    return ReturnSchedule.objects.create(effective_from=date(2026, 1, 1), due_working_days=10,
                                         reminder_working_days=3, created_at=london(2025, 12, 1, 9))
