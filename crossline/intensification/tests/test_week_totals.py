"""National and regional totals are the sums of every force's current results, and each force's
status says whether it has sent them; earlier weeks line up for the charts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.intensification.selectors import week_picture
from crossline.intensification.services import results_submit
from crossline.intensification.tests.support import MERSEYSIDE, NORTH_YORKSHIRE, WEST_YORKSHIRE, raw, week_on
from crossline.organisations.selectors import force_organisation
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _send(week, code, **given):
    submitter = make_user(force_organisation(code), Role.SUBMITTER, username=f"s{week.pk}-{code}@example.test")
    outcome = results_submit(week=week, force=PoliceForce.objects.get(pk=code), raw=raw(**given), through="api",
                             actor=submitter)
    assert outcome.ok, outcome.errors
    return outcome.result


def test_totals_add_up_by_region_and_nation(national_coordinator):
    today = timezone.localdate()
    earlier = week_on(today - timedelta(days=30), "Earlier week")
    week = week_on(today - timedelta(days=2), "This week")
    _send(earlier, WEST_YORKSHIRE, arrests=100)
    _send(week, WEST_YORKSHIRE, arrests=10, charges=4, drug_cannabis_grams="1000.5", cash_seized_gbp="100.25")
    _send(week, NORTH_YORKSHIRE, arrests=5, charges=2, drug_cannabis_grams="20", cash_seized_gbp="0.75")
    _send(week, MERSEYSIDE, arrests=7, charges=7)
    picture = week_picture(user=national_coordinator, week=week)

    national = picture.national
    assert (national.forces, national.reported) == (44, 3)
    assert national.values["arrests"] == 22 and national.values["charges"] == 13
    assert national.values["drug_cannabis_grams"] == Decimal("1020.500")
    assert national.values["cash_seized_gbp"] == Decimal("1601.50")  # Merseyside sent the default £1,500.50
    yorkshire = next(t for t in picture.regions if t.name == PoliceForce.objects.get(pk=WEST_YORKSHIRE).region.name)
    assert yorkshire.values["arrests"] == 15 and yorkshire.reported == 2 and yorkshire.forces == 4
    assert sum(t.values["arrests"] for t in picture.regions) == 22
    statuses = {row.force.pk: row.status for row in picture.forces}
    assert statuses[WEST_YORKSHIRE] == "submitted" and statuses["E23000001"] == "not_yet"
    assert len(picture.forces) == 44
    assert [(entry["week"].name, entry["total"].values["arrests"]) for entry in picture.trend] == [
        ("Earlier week", 100), ("This week", 22)]


def test_a_force_that_has_not_sent_results_by_the_due_day_is_overdue(national_coordinator):
    week = week_on(timezone.localdate() - timedelta(days=20), "Past week")
    picture = week_picture(user=national_coordinator, week=week)
    assert {row.status for row in picture.forces} == {"overdue"}
