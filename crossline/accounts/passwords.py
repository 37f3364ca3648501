"""Password checks beyond Django's own (AUTH-03)."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAXIMUM_LENGTH = 128


@lru_cache(maxsize=4)
def _breached_hashes(path: str) -> frozenset[str]:
    hashes = set()
    with Path(path).open(encoding="ascii", errors="ignore") as file:
        for line in file:
            digest = line.split(":", 1)[0].strip().upper()
            if len(digest) == 40:
                hashes.add(digest)
    return frozenset(hashes)


class BreachedPasswordValidator:
    """Rejects passwords found in an offline breach corpus (SHA-1 list, Pwned Passwords layout).

    The service never sends a password, or part of its hash, anywhere: the corpus is a file the
    deployment provides (BREACHED_PASSWORDS_FILE). Without one, Django's common-password list
    (about 20,000 entries) still applies.
    """

    def validate(self, password, user=None):
        path = settings.BREACHED_PASSWORDS_FILE
        if not path:
            return
        digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        if digest in _breached_hashes(path):
            raise ValidationError(
                "This password has appeared in a data breach. Choose a different password.",
                code="password_breached",
            )

    def get_help_text(self):
        return "Your password must not have appeared in a known data breach."


class MaximumLengthValidator:
    def validate(self, password, user=None):
        if len(password) > MAXIMUM_LENGTH:
            raise ValidationError(
                f"Your password must be {MAXIMUM_LENGTH} characters or fewer.", code="password_too_long"
            )

    def get_help_text(self):
        return f"Your password must be {MAXIMUM_LENGTH} characters or fewer."
