"""The audit trail as CSV, safe to open in a spreadsheet (IN-04)."""

import csv
import json
from collections.abc import Iterable, Iterator

from crossline.audit.models import AuditEvent, canonical_timestamp

# A spreadsheet treats a cell starting with any of these as a formula (or, for tab, CR and NUL,
# can be made to), so such cells are written as text by prefixing an apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

COLUMNS = [
    ("id", "Record"), ("occurred_at", "Time (UTC)"), ("actor_kind", "Actor kind"), ("actor_id", "User id"),
    ("actor_username", "User name"), ("actor_machine_client_id", "Machine client id"),
    ("organisation_id", "Organisation id"), ("organisation_name", "Organisation"), ("roles", "Roles"),
    ("action", "Action"), ("object_type", "Record type"), ("object_refs", "Record references"),
    ("client_ip", "Client IP"), ("request_id", "Request id"), ("purpose_code", "Purpose"),
    ("purpose_text", "Purpose description"), ("recipients", "Recipients"), ("detail", "Detail"),
    ("prev_hash", "Previous hash"), ("row_hash", "Hash"),
]


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _text(event: AuditEvent, name: str):
    value = getattr(event, name)
    if name == "occurred_at":
        return canonical_timestamp(value)
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_events_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """CSV lines, one per record, produced as they are read so that large exports stream."""
    writer = csv.writer(_Echo())
    yield writer.writerow([label for _, label in COLUMNS])
    for event in events:
        yield writer.writerow([safe_cell(_text(event, name)) for name, _ in COLUMNS])
