"""The content digest of a return: SHA-256 of its normalised content, the same whichever form it
came in and in whatever order its rows are. Equal digests mean the same force, period and
records: the same content sent again is a duplicate (return-format-v1.md, "Outcome").

    digest = ContentDigest()
    digest.add("people", record.values)          # as each record is made, in any order
    digest.hexdigest(header)                     # once, at the end

Each record is hashed as it goes by (canonical JSON of its normalised values: a number is its
digits, 1250, however it was written), and the sheet's record hashes are fed in sorted order.
So what is kept is 32 bytes a record, not the records; and not even those for long: once a
sheet has RUN_RECORDS of them they are sorted and written to an anonymous temporary file as a
run, and the runs are merged at the end, so memory holds one run a sheet whatever the size of
the return.
"""

import hashlib
import heapq
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from crossline.reference import lookups
from crossline.reference.models import PoliceForce
from crossline.returns import format as fmt


def _plain(value):
    # Called for every date and area of every record: the two common types first, by exact type
    # (str(date) is its ISO form, as below), then the rest as before.
    kind = type(value)
    if kind is date:
        return value.isoformat()
    if kind is lookups.Area:
        return value.code
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


_SIZE = 32  # a record's hash, SHA-256
RUN_RECORDS = 65_536  # record hashes a sheet holds in memory (2 MB) before they go to disk
_READ_BYTES = 64 * 1024  # read back a run this much at a time
_FEED = 1_024  # sorted hashes fed to the return's digest at a time (the same as one by one)


def _sorted(hashes: bytes | bytearray) -> list[bytes]:
    return sorted(hashes[start:start + _SIZE] for start in range(0, len(hashes), _SIZE))


class ContentDigest:
    def __init__(self):
        self.pending = {sheet: bytearray() for sheet in fmt.RECORD_SHEETS}
        self.runs: dict[str, list[tuple[int, int]]] = {sheet: [] for sheet in fmt.RECORD_SHEETS}  # (offset, bytes)
        self.counts = dict.fromkeys(fmt.RECORD_SHEETS, 0)
        self._file = None  # the runs of every sheet, one after another; gone once closed

    def add(self, sheet: str, values: dict) -> None:
        pending = self.pending[sheet]
        pending += hashlib.sha256(canonical(values)).digest()
        self.counts[sheet] += 1
        if len(pending) >= RUN_RECORDS * _SIZE:
            self._write_run(sheet)

    def _write_run(self, sheet: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="crossline-digest-")
        run = b"".join(_sorted(self.pending[sheet]))
        self._file.seek(0, 2)
        self.runs[sheet].append((self._file.tell(), len(run)))
        self._file.write(run)
        self.pending[sheet] = bytearray()

    def _run(self, offset: int, length: int) -> Iterator[bytes]:
        end = offset + length
        while offset < end:
            self._file.seek(offset)
            chunk = self._file.read(min(_READ_BYTES, end - offset))
            if not chunk:
                raise EOFError("a run of record hashes was cut short")
            offset += len(chunk)
            yield from (chunk[start:start + _SIZE] for start in range(0, len(chunk), _SIZE))

    def _in_order(self, sheet: str) -> Iterator[bytes]:
        """The sheet's record hashes, sorted."""
        pending = _sorted(self.pending[sheet])
        if not self.runs[sheet]:
            return iter(pending)
        self._file.flush()
        return heapq.merge(*(self._run(offset, length) for offset, length in self.runs[sheet]), pending)

    def hexdigest(self, header) -> str:
        digest = hashlib.sha256(canonical([header.format_version, header.force.code, header.period_start,
                                           header.period_end]))
        for sheet in fmt.RECORD_SHEETS:
            digest.update(canonical([sheet, self.counts[sheet]]))
            batch: list[bytes] = []
            for record in self._in_order(sheet):
                batch.append(record)
                if len(batch) == _FEED:
                    digest.update(b"".join(batch))
                    batch.clear()
            digest.update(b"".join(batch))
        return digest.hexdigest()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self):
        self.close()
