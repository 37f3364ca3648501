"""Small returns for assessment tests: a child-exploiting line, a large line, and helpers."""

import json
from datetime import date

from crossline.linkage.tests.support import GRADED, line, location, person, submitter_for
from crossline.returns.models import SubmissionStatus
from crossline.returns.services import return_submit

__all__ = ["GRADED", "event", "line", "location", "person", "submit"]


def event(ref: str, kind: str, when: str, **extra) -> dict:
    return {"event_ref": ref, "type": kind, "date": when, **GRADED, **extra}


def submit(force: str, period_end: str, *, lines=(), people=(), locations=(), vehicles=(), events=()):
    end = date.fromisoformat(period_end)
    doc = {"return": {"format_version": 1, "force": force, "period_start": end.replace(day=1).isoformat(),
                      "period_end": end.isoformat(), "submitted_by": "DS Test, FIB",
                      "contact_email": "fib@example.police.uk"},
           "lines": list(lines), "people": list(people), "locations": list(locations)}
    if vehicles:
        doc["vehicles"] = list(vehicles)
    if events:
        doc["events"] = list(events)
    user = submitter_for(force)
    submission = return_submit(content=json.dumps(doc).encode(), filename="return.json", form=None, actor=user,
                               organisation=user.organisation)
    assert submission.status == SubmissionStatus.ACCEPTED, [
        (issue.where, issue.column, issue.message) for issue in submission.issues.all()]
    return submission.national_return
