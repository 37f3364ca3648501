import json

import pytest

from crossline.demo.returns import demo_returns_load
from crossline.returns.models import NationalReturn, Submission


@pytest.mark.django_db
def test_the_demo_returns_are_all_accepted_and_dated_as_the_forces_sent_them(tmp_path, settings):
    settings.CROSSLINE_DEMO = True
    outcome = demo_returns_load(out_dir=tmp_path, scale="tiny", progress=lambda message: None)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert outcome == {"accepted": len(manifest["files"])}
    late = [entry for entry in manifest["files"] if entry["late"]]
    assert late, "the demo must show late returns"
    for entry in late:
        stored = NationalReturn.objects.get(force_id=entry["force"], period_end=entry["period_end"],
                                            version=entry["version"])
        assert stored.accepted_at.isoformat() == entry["submitted_at"]
    # Loading again creates nothing new: each file carries its own idempotency key.
    demo_returns_load(out_dir=tmp_path, scale="tiny", progress=lambda message: None)
    assert Submission.objects.count() == len(manifest["files"])


@pytest.mark.django_db
def test_the_compliance_pages_call_late_exactly_the_returns_the_dataset_made_late(tmp_path, settings):
    from datetime import date, datetime, timedelta

    from django.utils import timezone

    from crossline.compliance.schedule import periods_until
    from crossline.compliance.timeliness import Timeliness, timeliness_by_force

    settings.CROSSLINE_DEMO = True
    demo_returns_load(out_dir=tmp_path, scale="tiny", progress=lambda message: None)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    periods = periods_until(timezone.localdate() + timedelta(days=1))
    forces = sorted({entry["force"] for entry in manifest["files"]})
    found = timeliness_by_force(force_codes=forces, periods=periods, now=timezone.now())
    judged = {(code, entry.period.end): entry for code in forces for entry in found[code]}
    checked = 0
    for entry in manifest["files"]:
        if entry["version"] != 1:
            continue
        timeliness = judged[(entry["force"], date.fromisoformat(entry["period_end"]))]
        assert timeliness.received_at == datetime.fromisoformat(entry["submitted_at"])
        assert (timeliness.status == Timeliness.LATE) == entry["late"], entry
        checked += 1
    assert checked and any(entry["late"] for entry in manifest["files"])
