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
