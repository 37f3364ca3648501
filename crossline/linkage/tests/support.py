"""Small returns for linkage tests, submitted as a force's submitter would send them.

    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[person("WY-P-1", "Smith", "John", "1990-02-03")])

Rows need only what the test is about: grading columns and the required vocabularies are filled in.
"""

import json
from datetime import date, timedelta

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.linkage.runs import linkage_resolve_full
from crossline.organisations.selectors import force_organisation
from crossline.returns.models import SubmissionStatus
from crossline.returns.services import return_submit

GRADED = {"source_eval": "R", "intel_assessment": "2", "handling_code": "P"}


def line(ref: str, name: str | None, numbers: list[str], *, exporting: str = "E23000010",
         importing: tuple[str, ...] = ("E23000009",), **extra) -> dict:
    row = {"line_ref": ref, "deal_numbers": numbers, "exporting_area": exporting,
           "importing_areas": list(importing), "status": "active", **GRADED, **extra}
    if name:
        row["line_name"] = name
    return row


def person(ref: str, surname: str | None, forenames: str | None, dob: str | None = None, *,
           roles: tuple[str, ...] = ("runner",), factors: tuple[str, ...] = (), **extra) -> dict:
    """A person; with `factors`, reported as vulnerable for them."""
    row = {"person_ref": ref, "roles": list(roles), "vulnerable": "Y" if factors else "N", **GRADED, **extra}
    if factors:
        row["vulnerability_factors"] = list(factors)
    for column, value in (("surname", surname), ("forenames", forenames), ("date_of_birth", dob)):
        if value:
            row[column] = value
    return row


def location(ref: str, kind: str, address: str | None, postcode: str | None = None, **extra) -> dict:
    row = {"location_ref": ref, "type": kind, **GRADED, **extra}
    if address:
        row["address"] = address
    if postcode:
        row["postcode"] = postcode
    return row


def vehicle(ref: str, vrm: str, **extra) -> dict:
    return {"vehicle_ref": ref, "vrm": vrm, **GRADED, **extra}


def background_people(count: int = 300, *, seed: int = 1) -> list[dict]:
    """Made-up adults nobody else reports, so that names have realistic frequencies."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return [person(f"BG-P-{n}", fake.last_name(), fake.first_name(),
                   fake.date_of_birth(minimum_age=19, maximum_age=70).isoformat(),
                   roles=("user",)) for n in range(count)]


def submitter_for(force: str):
    organisation = force_organisation(force)
    user = organisation.users.filter(role_grants__role=Role.SUBMITTER).first()
    return user or make_user(organisation, Role.SUBMITTER, username=f"submitter@{organisation.slug}.test")


def submit_return(force: str, period_end: str, *, lines=(), people=(), locations=(), vehicles=()):
    """Submit a return for the month ending `period_end`; returns the NationalReturn."""
    end = date.fromisoformat(period_end)
    start = end.replace(day=1)
    doc = {"return": {"format_version": 1, "force": force, "period_start": start.isoformat(),
                      "period_end": end.isoformat(), "submitted_by": "DS Test, FIB",
                      "contact_email": "fib@example.police.uk"},
           "lines": list(lines), "people": list(people), "locations": list(locations)}
    if vehicles:
        doc["vehicles"] = list(vehicles)
    user = submitter_for(force)
    submission = return_submit(content=json.dumps(doc).encode(), filename="return.json", form=None, actor=user,
                               organisation=user.organisation)
    assert submission.status == SubmissionStatus.ACCEPTED, [
        (issue.where, issue.column, issue.message) for issue in submission.issues.all()]
    return submission.national_return


def month_before(period_end: str) -> str:
    return (date.fromisoformat(period_end).replace(day=1) - timedelta(days=1)).isoformat()


def resolve():
    return linkage_resolve_full()


def entity_of(kind: str, force: str, ref: str) -> int:
    from crossline.linkage.models import EntityMember

    (entity,) = set(EntityMember.objects.filter(kind=kind, force_id=force, ref=ref).values_list("entity_id", flat=True))
    return entity


def signed_in_with_purpose(client, user):
    """Sign `user` in and state a purpose, as the personal data pages ask."""
    from django.urls import reverse

    from crossline.conftest import sign_in

    sign_in(client, user)
    client.post(reverse("audit:state_purpose"), {"code": "intelligence_development",
                                                 "text": "Mapping a county line across forces", "next": "/"})
    return client
