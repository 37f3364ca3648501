"""The references a return has used so far, sheet by sheet, for the two checks that need them:
a ref used twice in one sheet, and a cross-reference that names no record of its sheet.

    refs = RefsSeen(["lines", "people"])
    refs.add("people", "WY-P-1", 2)        # None: new; else the row that already has it
    "WY-P-1" in refs["people"]              # True: a cross-reference to it is good
    refs.close()

A 500,000-row return has half a million refs, and as a dict of str they took some 140 bytes
each: the memory of a return grew with its size. So only the newest refs, RECENT of them over
all the sheets, stay in dicts. Past that, the sheet holding the most moves its refs to an
anonymous temporary file (each one's row number and text), and memory keeps 12 bytes a ref: one
sorted 64-bit key (the top 32 bits of the ref's hash, then its number in the file) and its place
in the file; with a directory of where each run of about 64 keys starts, so that a look-up
searches a few dozen keys, not all of them. A look-up reads back from the file each ref whose
hash bits match and compares the text, so the answer is exact: a hash collision costs a read,
never a wrong answer (a false "found" would let a broken cross-reference through). The file is
read through a memory map, so a look-up makes no system call; its pages (about 22 bytes a ref)
belong to the operating system's file cache, which can drop them and read them again, not to
the process's heap.
"""

import mmap
import os
import struct
import tempfile
from array import array
from bisect import bisect_left

RECENT = 32_768  # refs kept in dicts, over all the sheets of a return (about 140 bytes each)
_RECORD = struct.Struct("<IH")  # row number, length in bytes; then the ref as UTF-8
_LOW = 0xFFFF_FFFF
_SIGN = 0x8000_0000  # added to the top 32 bits of a hash (signed) to give 0 .. 2**32 - 1
_PER_BUCKET = 64  # keys, about, between two entries of the directory


def _encoded(ref: str) -> bytes:
    # A lone surrogate (possible from JSON, and reported there) must not make the check fail.
    return ref.encode("utf-8", "surrogatepass")


class SheetRefs:
    """One sheet's refs: a dict of the newest, and a sorted index of the older ones on disk."""

    hash_of = staticmethod(hash)  # keyed per process (SipHash); a test may put a weaker one here

    def __init__(self):
        self.recent: dict[str, int] = {}  # ref -> row number
        self.keys = array("q")  # sorted: (hash >> 32) << 32 | number in the file
        self.offsets = array("I")  # by number in the file: where its record starts
        self.directory = array("I", [0, 0])  # where the keys of each range of hash bits start
        self.shift = 32  # the top (32 - shift) bits of a key's hash bits pick its range
        self.file = None
        self.view: mmap.mmap | None = None  # the file, mapped for reading
        self.size = 0  # bytes written to the file

    def __len__(self) -> int:
        return len(self.recent) + len(self.offsets)

    def __contains__(self, ref: str) -> bool:
        return ref in self.recent or (bool(self.keys) and self._older(ref) is not None)

    def add(self, ref: str, row_number: int) -> int | None:
        """Record `ref` as on `row_number`; if the sheet already has it, the row it is on
        (and nothing is recorded)."""
        recent = self.recent
        earlier = recent.get(ref)
        if earlier is None and self.keys:
            earlier = self._older(ref)
        if earlier is None:
            recent[ref] = row_number
        return earlier

    def _older(self, ref: str) -> int | None:
        """The row of `ref` among the refs moved to disk, or None."""
        keys, directory = self.keys, self.directory
        top = self.hash_of(ref) >> 32
        bucket = (top + _SIGN) >> self.shift
        index = bisect_left(keys, top << 32, directory[bucket], directory[bucket + 1])
        wanted = None
        view, offsets, unpack_from = self.view, self.offsets, _RECORD.unpack_from
        while index < len(keys):
            key = keys[index]
            if key >> 32 != top:
                return None
            if wanted is None:
                wanted = _encoded(ref)
            offset = offsets[key & _LOW]
            row_number, length = unpack_from(view, offset)
            start = offset + _RECORD.size
            if length == len(wanted) and view[start:start + length] == wanted:
                return row_number
            index += 1
        return None

    def move_to_disk(self) -> None:
        """Move the refs in the dict to the file and the sorted index."""
        if not self.recent:
            return
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="crossline-refs-")
        offsets, hash_of, pack = self.offsets, self.hash_of, _RECORD.pack
        number = len(offsets)
        position = self.size
        parts, added = [], []
        for ref, row_number in self.recent.items():
            data = _encoded(ref)
            parts += (pack(row_number, len(data)), data)
            offsets.append(position)  # OverflowError past 4 GiB of refs: far beyond any upload limit
            position += _RECORD.size + len(data)
            added.append((hash_of(ref) >> 32) << 32 | number)
            number += 1
        self.file.seek(0, os.SEEK_END)
        self.file.write(b"".join(parts))
        self.file.flush()
        self.size = position
        if self.view is not None:
            self.view.close()
        self.view = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        # Merged into a new array a stretch at a time: sorted() over the two would make a Python
        # int of every key held (about 36 bytes each, for a moment), and that transient was the
        # largest thing a big return's memory grew by. Each stretch of old keys is copied in C.
        added.sort()
        old, keys, start = self.keys, array("q"), 0
        for key in added:
            end = bisect_left(old, key, start)
            keys += old[start:end]
            keys.append(key)
            start = end
        keys += old[start:]
        self.keys = keys
        self.recent = {}
        bits = (len(keys) // _PER_BUCKET).bit_length()
        self.shift = 32 - bits
        self.directory = array("I", [bisect_left(keys, ((bucket << self.shift) - _SIGN) << 32)
                                     for bucket in range(1 << bits)] + [len(keys)])

    def close(self) -> None:
        if self.view is not None:
            self.view.close()
            self.view = None
        if self.file is not None:
            self.file.close()
            self.file = None


class RefsSeen:
    """The refs of every sheet of a return, holding at most RECENT of them in dicts."""

    def __init__(self, sheets=(), *, recent: int | None = None):
        self.sheets: dict[str, SheetRefs] = {sheet: SheetRefs() for sheet in sheets}
        self.budget = RECENT if recent is None else recent
        self.held = 0  # refs in the sheets' dicts

    def __getitem__(self, sheet: str) -> SheetRefs:
        refs = self.sheets.get(sheet)
        if refs is None:
            refs = self.sheets[sheet] = SheetRefs()
        return refs

    def add(self, sheet: str, ref: str, row_number: int) -> int | None:
        """As SheetRefs.add, keeping the dicts within the budget."""
        earlier = self[sheet].add(ref, row_number)
        if earlier is None:
            self.held += 1
            if self.held > self.budget:
                fullest = max(self.sheets.values(), key=lambda refs: len(refs.recent))
                self.held -= len(fullest.recent)
                fullest.move_to_disk()
        return earlier

    def close(self) -> None:
        for refs in self.sheets.values():
            refs.close()
