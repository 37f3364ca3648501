"""The content digest of a return: SHA-256 of its normalised content, the same whichever form it
came in and in whatever order its rows are. Equal digests mean the same force, period and
records: the same content sent again is a duplicate (return-format-v1.md, "Outcome").

    digest = ContentDigest()
    digest.add("people", record.values)          # as each record is made, in any order
    digest.hexdigest(header)                     # once, at the end

Each record is hashed as it goes by (canonical JSON of its normalised values: a number is its
digits, 1250, however it was written), and the sheet's record hashes are fed in sorted order.
So what is kept is 32 bytes a record, not the records; and sorting is done a bucket (by first
byte) at a time, so it never makes a Python object per record all at once.
"""

import hashlib
import json
from decimal import Decimal

from crossline.reference import lookups
from crossline.reference.models import PoliceForce
from crossline.returns import format as fmt


def _plain(value):
    if isinstance(value, lookups.Area):
        return value.code
    if isinstance(value, lookups.Council | PoliceForce):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1250, "1,250" and 1250.00 are one number
    return str(value)


_encoder = json.JSONEncoder(sort_keys=True, default=_plain, separators=(",", ":"))
# JSONEncoder.encode makes a new C encoder on every call, a third of the cost for a record; make
# it once (the same options, so the same text) where the C accelerator is there.
_c_encode = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _plain, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, True)


def canonical(value) -> bytes:
    if _c_encode is None:
        return _encoder.encode(value).encode()
    return "".join(_c_encode(value, 0)).encode()


class ContentDigest:
    def __init__(self):
        self.buckets = {sheet: [bytearray() for _ in range(256)] for sheet in fmt.RECORD_SHEETS}
        self.counts = dict.fromkeys(fmt.RECORD_SHEETS, 0)

    def add(self, sheet: str, values: dict) -> None:
        record = hashlib.sha256(canonical(values)).digest()
        self.buckets[sheet][record[0]] += record
        self.counts[sheet] += 1

    def hexdigest(self, header) -> str:
        digest = hashlib.sha256(canonical([header.format_version, header.force.code, header.period_start,
                                           header.period_end]))
        for sheet in fmt.RECORD_SHEETS:
            digest.update(canonical([sheet, self.counts[sheet]]))
            for bucket in self.buckets[sheet]:
                for record in sorted(bucket[start:start + 32] for start in range(0, len(bucket), 32)):
                    digest.update(record)
        return digest.hexdigest()
