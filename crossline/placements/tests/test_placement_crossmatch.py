"""A child already reported by a force as a vulnerable runner: that force gets a match alert
(a match exists, not who), the host force sees which forces hold records, the council does not."""

from datetime import date

import pytest
from django.urls import reverse

from crossline.audit.models import AuditEvent
from crossline.placements.crossmatch import crossmatch_child
from crossline.placements.models import CrossmatchHit, InboxItem, MatchStrength, Purpose
from crossline.placements.tests.conftest import dispatch, notify
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_json, sample_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def west_yorkshire_return(wy_submitter, settings, tmp_path):
    """West Yorkshire's return names Jay Lee Smith, born 1 May 2010, as a vulnerable child runner."""
    settings.RAW_FILE_STORE = tmp_path / "raw-files"
    submission = return_submit(content=as_json(sample_return()), filename="return.json", form="json",
                               actor=wy_submitter, organisation=wy_submitter.organisation)
    assert submission.status == "accepted", list(submission.issues.values_list("message", flat=True))
    return submission.national_return


def test_the_force_holding_the_runner_gets_a_match_alert_without_the_childs_details(
        client, purpose, council_officer, west_yorkshire_return, wy_analyst, west_yorkshire_police, ny_analyst):
    notification = notify(council_officer, child_forenames="Jay", child_surname="Smith",
                          date_of_birth=date(2010, 5, 1))
    dispatch()

    hit = CrossmatchHit.objects.get(notification=notification)
    assert (hit.force_id, hit.record_ref, hit.strength) == ("E23000010", "WY-P-1", MatchStrength.EXACT)
    alert = InboxItem.objects.get(recipient=west_yorkshire_police, purpose=Purpose.CROSSMATCH)
    assert AuditEvent.objects.filter(action="link", detail__matches=1).exists()

    page = purpose(wy_analyst).get(reverse("placements:match_alert", args=[alert.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "WY-P-1" in text and notification.reference in text and "North Yorkshire Police" in text
    for personal in ("Jay", "Smith", "2010", "HG1", "Dales View"):
        assert personal not in text


def test_a_force_with_only_a_match_cannot_read_the_notification(
        client, purpose, council_officer, west_yorkshire_return, merseyside_analyst):
    # Placed in Liverpool, so West Yorkshire is the home force; here the matching force is not a recipient.
    from crossline.organisations.selectors import force_organisation
    from crossline.returns.models import NationalReturn

    NationalReturn.objects.filter(pk=west_yorkshire_return.pk).update(force_id="E23000004")  # Merseyside's return
    notification = notify(council_officer, child_forenames="Jay", child_surname="Smith", date_of_birth=date(2010, 5, 1),
                          postcode="LS1 4AP")
    dispatch()
    assert InboxItem.objects.filter(recipient=force_organisation("E23000004"), purpose=Purpose.CROSSMATCH).exists()
    signed_in = purpose(merseyside_analyst)
    assert signed_in.get(reverse("placements:detail", args=[notification.reference])).status_code == 404


def test_the_host_force_sees_who_holds_records_and_the_council_sees_no_intelligence(
        purpose, council_officer, west_yorkshire_return, ny_analyst):
    notification = notify(council_officer, child_forenames="Jay", child_surname="Smith", date_of_birth=date(2010, 5, 1))
    dispatch()
    host_page = purpose(ny_analyst).get(reverse("placements:detail", args=[notification.reference])).content.decode()
    assert "Match alert" in host_page and "West Yorkshire Police" in host_page
    council_page = purpose(council_officer).get(reverse("placements:detail", args=[notification.reference]))
    assert "Match alert" not in council_page.content.decode()


def test_no_match_says_so_to_the_police(purpose, council_officer, west_yorkshire_return, ny_analyst):
    notification = notify(council_officer, child_forenames="Amira", child_surname="Khan", date_of_birth=date(2011, 2, 3))
    assert crossmatch_child(notification) == []
    assert notification.timeline.filter(title="No match in national returns", police_only=True).exists()


@pytest.mark.parametrize(("forenames", "surname", "born", "strength"), [
    ("Jay", "Smith", date(2010, 5, 1), MatchStrength.EXACT),
    ("Jay Lee", "Smith", date(2010, 5, 1), MatchStrength.EXACT),
    ("JAY", "SMITH", date(2010, 1, 5), MatchStrength.PROBABLE),  # day and month transposed
    ("Jai", "Smith", date(2010, 5, 1), MatchStrength.PROBABLE),  # a slip in the first name
    ("Smith", "Jay", date(2010, 5, 1), MatchStrength.PROBABLE),  # names the other way round
    ("Jay", "Smyth", date(2010, 5, 1), MatchStrength.PROBABLE),
    ("Jya", "Smith", date(2010, 5, 1), MatchStrength.PROBABLE),
    ("Jay", "Smith", date(2010, 5, 2), None),
    ("Jay", "Smyth-Jones", date(2010, 5, 1), None),
    ("Dean", "Smith", date(2010, 5, 1), None),
])
def test_the_matcher(council_officer, west_yorkshire_return, forenames, surname, born, strength):
    notification = notify(council_officer, child_forenames=forenames, child_surname=surname, date_of_birth=born)
    assert [match.strength for match in crossmatch_child(notification)] == ([strength] if strength else [])


def test_only_current_returns_are_matched(council_officer, west_yorkshire_return):
    from crossline.returns.models import NationalReturn

    NationalReturn.objects.filter(pk=west_yorkshire_return.pk).update(is_current=False)
    notification = notify(council_officer, child_forenames="Jay", child_surname="Smith", date_of_birth=date(2010, 5, 1))
    assert crossmatch_child(notification) == []


@pytest.fixture
def merseyside_analyst(db):
    from crossline.accounts.roles import Role
    from crossline.conftest import make_user
    from crossline.organisations.selectors import force_organisation

    return make_user(force_organisation("E23000004"), Role.ANALYST, full_name="Kerry Doyle")
