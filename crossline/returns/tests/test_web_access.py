"""Who reaches which returns page (AC-02): another force's return, attempt or record is a 404;
partners and oversight get 403 on every returns page; national users see every force's."""

import pytest
from django.urls import reverse

from crossline.audit.models import AuditAction, AuditEvent
from crossline.conftest import sign_in
from crossline.returns.models import Event, Line, Location, Person, Vehicle
from crossline.returns.tests.builders import sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

pytestmark = pytest.mark.django_db
PURPOSE = {"code": "intelligence_development", "text": "Checking cross-border lines", "next": "/"}


@pytest.fixture
def west_yorkshire_return(wy_submitter, raw_store):
    return submit(wy_submitter, form="json").national_return


@pytest.fixture
def rejected(wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]
    return submit(wy_submitter, doc, form="json")


def every_url(national_return, rejected) -> list[str]:
    records = [(name, model.objects.get(national_return=national_return, ref=ref)) for name, model, ref in (
        ("returns:line", Line, "WY-L-0042"), ("returns:person", Person, "WY-P-1"),
        ("returns:location", Location, "WY-A-7"), ("returns:vehicle", Vehicle, "WY-V-1"),
        ("returns:event", Event, "WY-E-1"))]
    return [
        reverse("returns:detail", args=[national_return.pk]),
        reverse("returns:records", args=[national_return.pk, "people"]),
        reverse("returns:submission", args=[national_return.submission.pk]),
        reverse("returns:submission", args=[rejected.pk]),
        reverse("returns:error_report", args=[rejected.pk]) + "?format=csv",
        reverse("returns:error_report", args=[rejected.pk]) + "?format=xlsx",
        *(reverse(name, args=[record.pk]) for name, record in records),
    ]


def test_another_forces_analyst_gets_404_for_every_return_attempt_and_record(client, ny_analyst,
                                                                            west_yorkshire_return, rejected):
    sign_in(client, ny_analyst)
    client.post(reverse("audit:state_purpose"), PURPOSE)

    for url in every_url(west_yorkshire_return, rejected):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.EXPORT]).exists()


def test_the_forces_own_analyst_reaches_them_all(client, wy_analyst, west_yorkshire_return, rejected):
    sign_in(client, wy_analyst)
    client.post(reverse("audit:state_purpose"), PURPOSE)

    for url in every_url(west_yorkshire_return, rejected):
        assert client.get(url).status_code == 200, url


def test_a_national_coordinator_reaches_every_forces_returns(client, national_coordinator, west_yorkshire_return,
                                                             rejected):
    sign_in(client, national_coordinator)
    client.post(reverse("audit:state_purpose"), PURPOSE)

    for url in every_url(west_yorkshire_return, rejected):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("fixture", ["council_officer", "nhs_lead", "pcc_viewer", "outsider", "wy_admin"])
def test_partners_oversight_and_admins_get_403_on_every_returns_page(client, request, fixture,
                                                                     west_yorkshire_return, rejected):
    sign_in(client, request.getfixturevalue(fixture))

    for url in [reverse("returns:list"), reverse("returns:submissions"), reverse("returns:submit"),
                *every_url(west_yorkshire_return, rejected)]:
        assert client.get(url).status_code == 403, url


def test_an_unknown_error_report_format_is_404(client, wy_submitter, rejected):
    sign_in(client, wy_submitter)
    assert client.get(reverse("returns:error_report", args=[rejected.pk]) + "?format=pdf").status_code == 404


def test_record_pages_are_not_cached(client, wy_analyst, west_yorkshire_return):
    sign_in(client, wy_analyst)
    client.post(reverse("audit:state_purpose"), PURPOSE)

    response = client.get(reverse("returns:person", args=[Person.objects.get(ref="WY-P-1").pk]))

    assert response["Cache-Control"] == "no-store"
