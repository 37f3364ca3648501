"""The raw files of submitted returns, kept exactly as received and named by their SHA-256.

    sha256 = raw_file_keep(content)        # idempotent: the same bytes are kept once
    content = raw_file_read(sha256)        # raises RawFileDamaged if the bytes no longer match

Files live under settings.RAW_FILE_STORE as `ab/abcdef...` (the first two hex digits make a
folder, so no folder grows past a few thousand files). A file is written to a temporary name in
its final folder, flushed to disk and renamed into place, so a crash leaves either the whole file
or none of it, never a torn one that a later read would take for the return.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

_HEX = frozenset("0123456789abcdef")


class RawFileDamaged(Exception):
    """The stored bytes do not hash to the name they are kept under."""


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def raw_file_path(sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise ValueError("Not a SHA-256 in lower-case hex.")
    return Path(settings.RAW_FILE_STORE) / sha256[:2] / sha256


def raw_file_keep(content: bytes) -> str:
    """Keep `content` and return its SHA-256. Keeping the same bytes again changes nothing."""
    sha256 = sha256_of(content)
    path = raw_file_path(sha256)
    if path.exists() and _intact(path, sha256):
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file readable by its owner only: these files hold personal data.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)
    return sha256


def raw_file_read(sha256: str) -> bytes:
    """The bytes kept under `sha256`, checked against it."""
    content = raw_file_path(sha256).read_bytes()
    if sha256_of(content) != sha256:
        raise RawFileDamaged(f"The raw file {sha256} is damaged: its content no longer matches its SHA-256.")
    return content


def _intact(path: Path, sha256: str) -> bool:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == sha256


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the folder's own entry is on disk.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
