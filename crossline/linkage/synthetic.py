"""Loading a synthetic national set (`python -m crossline.synthetic`) into the database, as each
force's submitter would send it: for tests, benchmarks and trying resolution out. Never in production.

Every file goes through `return_submit`, so the records are stored exactly as real returns are.
"""

import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from crossline.accounts.models import RoleGrant, User
from crossline.accounts.roles import Role
from crossline.organisations.selectors import force_organisation
from crossline.returns.models import Submission, SubmissionStatus
from crossline.returns.services import return_submit


def synthetic_submitter(force_code: str) -> User:
    """The (made-up) submitter who sends `force_code`'s synthetic returns."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Synthetic returns are never loaded in production.")
    organisation = force_organisation(force_code)
    user, created = User.objects.get_or_create(
        username=f"synthetic-submitter@{organisation.slug}.example",
        defaults={"email": f"synthetic-submitter@{organisation.slug}.example", "organisation": organisation,
                  "full_name": f"Synthetic submitter ({organisation.name})"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleGrant.objects.create(user=user, role=Role.SUBMITTER)
    return user


def synthetic_returns_load(folder: str | Path, *, progress: Callable[[int, int, str], None] | None = None,
                           files: list[str] | None = None) -> list[Submission]:
    """Submit every valid file in `folder` (in the order the forces sent them, so that a second
    version supersedes the first); return the submissions. `files` limits it to those names."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entries = sorted((entry for entry in manifest["files"] if not entry["faults"]
                      and (files is None or entry["file"] in files)), key=lambda entry: entry["submitted_at"])
    submissions = []
    for done, entry in enumerate(entries, start=1):
        submitter = synthetic_submitter(entry["force"])
        submission = return_submit(content=(folder / entry["file"]).read_bytes(), filename=entry["file"], form=None,
                                   actor=submitter, organisation=submitter.organisation)
        if submission.status not in (SubmissionStatus.ACCEPTED, SubmissionStatus.DUPLICATE):
            raise ValueError(f"{entry['file']} was {submission.status}: the synthetic set should be valid.")
        submissions.append(submission)
        if progress:
            progress(done, len(entries), entry["file"])
    return submissions
