"""The audit chain's head, anchored outside the database (LOG-02).

The hash chain shows any record changed or removed in the middle of the trail, but someone able to
rewrite the table could cut the newest records off, or rewrite them and re-hash everything after,
and the chain would still verify. So every hour the head (the newest record's id and hash) is
appended to a file in a separate store: a record once anchored must still be there, with the same
hash, or the trail was cut back or rewritten after that hour.

The file is JSON lines, append-only, written under an exclusive lock and flushed to disk, so that
two anchor runs at once, or a crash mid-write, never leave a torn or interleaved line.
"""

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from crossline.audit.models import AuditEvent


@dataclass(frozen=True)
class Anchor:
    event_id: int
    row_hash: str
    anchored_at: str  # ISO 8601, UTC


class AnchorFileDamaged(Exception):
    """A line of the anchor file is not an anchor: the file itself was tampered with or damaged."""


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def anchors_read(path: Path | None = None) -> list[Anchor]:
    path = path or anchor_file()
    if not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                item = json.loads(line)
                anchors.append(Anchor(event_id=int(item["event_id"]), row_hash=str(item["row_hash"]),
                                      anchored_at=str(item["anchored_at"])))
            except (ValueError, KeyError, TypeError) as error:
                raise AnchorFileDamaged(f"Line {number} of {path} is not an anchor: {error}") from error
    return anchors


def audit_head() -> tuple[int, str] | None:
    """The newest record of the trail: records are chained in id order under a lock, so the
    highest id is the head."""
    return AuditEvent.objects.order_by("-id").values_list("id", "row_hash").first()


def anchor_head(path: Path | None = None) -> Anchor | None:
    """Append the current head to the anchor file, unless it is already the last anchor.

    Returns the anchor written, or None when there was nothing new to anchor."""
    head = audit_head()
    return None if head is None else anchor_append(head, path or anchor_file())


def anchor_append(head: tuple[int, str], path: Path) -> Anchor | None:
    """Append `head` (id, hash) unless the last anchor is that record or a newer one (a run that read
    the head just before another run anchored a newer one must not write an older head after it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes
        known = anchors_read(path)
        if known and known[-1].event_id >= head[0]:
            return None
        anchor = Anchor(event_id=head[0], row_hash=head[1], anchored_at=timezone.now().isoformat())
        file.write(json.dumps(asdict(anchor), sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())
    return anchor


def anchor_breaks(anchors: list[Anchor]) -> Iterator[tuple[Anchor, str]]:
    """Each anchor the trail no longer honours, with what is wrong, in the file's order."""
    wanted = {anchor.event_id for anchor in anchors}
    stored = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        stored.update(AuditEvent.objects.filter(id__in=ids[start:start + 500]).values_list("id", "row_hash"))
    previous = 0
    for anchor in anchors:
        if anchor.event_id < previous:
            yield anchor, "anchors out of order: the anchor file was edited"
        previous = max(previous, anchor.event_id)
        if anchor.event_id not in stored:
            yield anchor, "record missing: the trail was cut back after it was anchored"
        elif stored[anchor.event_id] != anchor.row_hash:
            yield anchor, "record rewritten: its hash differs from the one anchored"
