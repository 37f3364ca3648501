import hashlib

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from crossline.accounts import passwords


def test_argon2_is_the_password_hasher():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@given(st.text(min_size=0, max_size=14))
def test_passwords_under_15_characters_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_common_passwords_are_refused_even_when_long():
    with pytest.raises(ValidationError, match="too common"):
        validate_password("1q2w3e4r5t6y7u8i9o0p")


def test_passwords_in_the_breach_corpus_are_refused(tmp_path, settings):
    corpus = tmp_path / "pwned.txt"
    breached = "summer holidays in skegness"
    digest = hashlib.sha1(breached.encode(), usedforsecurity=False).hexdigest().upper()
    corpus.write_text(f"0000000000000000000000000000000000000000:3\n{digest}:12\n")
    settings.BREACHED_PASSWORDS_FILE = str(corpus)
    passwords._breached_hashes.cache_clear()
    with pytest.raises(ValidationError, match="data breach"):
        validate_password(breached)
    validate_password("an entirely different long phrase")
