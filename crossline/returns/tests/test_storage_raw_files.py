"""Raw files are kept content-addressed, written whole or not at all, and checked when read."""

import os
import stat

import pytest

from crossline.returns.store import RawFileDamaged, raw_file_keep, raw_file_path, raw_file_read, sha256_of
from crossline.returns.tests.storage_support import raw_store as raw_store

CONTENT = b"PK\x03\x04 a return, byte for byte"


def test_a_file_is_kept_under_its_sha256(raw_store):
    sha256 = raw_file_keep(CONTENT)

    assert sha256 == sha256_of(CONTENT)
    assert raw_file_path(sha256) == raw_store / sha256[:2] / sha256
    assert raw_file_read(sha256) == CONTENT


def test_keeping_the_same_bytes_again_changes_nothing(raw_store):
    sha256 = raw_file_keep(CONTENT)
    before = raw_file_path(sha256).stat()

    assert raw_file_keep(CONTENT) == sha256

    after = raw_file_path(sha256).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [path.name for path in raw_store.rglob("*") if path.is_file()] == [sha256]


def test_only_the_service_account_can_read_a_kept_file(raw_store):
    path = raw_file_path(raw_file_keep(CONTENT))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_file_is_detected_on_reading_and_repaired_by_keeping_it_again(raw_store):
    sha256 = raw_file_keep(CONTENT)
    raw_file_path(sha256).write_bytes(CONTENT[:-3])

    with pytest.raises(RawFileDamaged):
        raw_file_read(sha256)

    raw_file_keep(CONTENT)
    assert raw_file_read(sha256) == CONTENT


def test_a_write_that_fails_leaves_no_file_behind(raw_store, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        raw_file_keep(CONTENT)

    assert not [path for path in raw_store.rglob("*") if path.is_file()]


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABCDEF" * 10 + "ABCD", "a" * 63])
def test_only_a_sha256_names_a_file(raw_store, name):
    with pytest.raises(ValueError):
        raw_file_path(name)
