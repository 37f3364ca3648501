"""Normalisers for the values in a return: each takes a raw cell (text from CSV or JSON, or a
number, date or boolean from a spreadsheet cell) and returns the stored form, or raises
NotValid with a message that tells the submitter how to fix the cell.

They run once per cell of returns with hundreds of thousands of rows, so patterns are compiled
once and the costly ones (phone numbers) remember what they have already seen.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import NamedTuple

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crossline.reference.postcodes import normalise_postcode as _reference_postcode
from crossline.returns.format import MULTI_VALUE_SEPARATOR

DATE_EXAMPLE = "31/10/2026"
_DATE_ADVICE = f"Write the date as DD/MM/YYYY or YYYY-MM-DD, for example {DATE_EXAMPLE}"


class NotValid(ValueError):
    """A cell value the format does not accept; str(error) is the message for the submitter.
    `code` names the rule broken when it is more specific than the column's kind."""

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.code = code


# --- Plain values ---------------------------------------------------------------------------
def _number_as_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_text(value: object) -> str:
    """Text exactly as given, after trimming. Numbers from spreadsheet cells become their digits."""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = _number_as_text(value)
    elif isinstance(value, date):
        raise NotValid("The spreadsheet has turned this text into a date. Format the column as Text and "
                       "type the value again.")
    else:
        raise NotValid("Give text here, not a list or an object.")
    if not text:
        raise NotValid("This cell is blank.")
    if "\x00" in text:
        raise NotValid("This cell contains a NUL character, which no text may hold. Retype the value.")
    return text


MAX_REF_CHARS = 100


def normalise_ref(value: object) -> str:
    """A submitter's own reference: text, at most 100 characters, without ';' (the list separator)."""
    text = value.strip() if type(value) is str else normalise_text(value)
    if not text:
        raise NotValid("This cell is blank.")
    if "\x00" in text:
        raise NotValid("This reference contains a NUL character. Retype it.")
    if MULTI_VALUE_SEPARATOR in text:
        raise NotValid("A reference cannot contain ';', which separates references in a list.")
    if len(text) > MAX_REF_CHARS:
        raise NotValid(f"A reference can be at most {MAX_REF_CHARS} characters long.")
    return text


def split_multi(value: object) -> list:
    """The items of a multi-valued cell: `;`-separated text, or a JSON array; blanks dropped,
    repeats dropped (first kept)."""
    if isinstance(value, str):
        items = value.split(MULTI_VALUE_SEPARATOR)
    elif isinstance(value, list):
        items = value
        if any(isinstance(item, list | dict) for item in items):
            raise NotValid("Give a flat list of values.")
    else:
        items = [value]
    seen: dict = {}
    for item in items:
        if isinstance(item, str):
            item = item.strip()
            if not item:
                continue
        elif item is None:
            continue
        seen.setdefault(item, None)
    return list(seen)


_WHITESPACE = re.compile(r"\s+")


def normalise_name(value: object) -> str:
    """A person's name as given, in Unicode NFC, trimmed, runs of whitespace made one space."""
    text = normalise_text(value)
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text))


_APOSTROPHES = re.compile(r"['\u2018\u2019`\u02bc]+")
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=50_000)  # surnames and forenames repeat: Smith is keyed once a return
def name_key(text: str) -> str:
    """The comparison key for names in linkage: "  O'Brien-Núñez " and "obrien nunez" both give
    "obrien nunez". Casefolded, accents stripped, apostrophes dropped (O'Brien is written OBrien
    too), other punctuation such as a hyphen read as a space (Smith-Jones, Smith Jones)."""
    # Compatibility forms first (a styled "𝑨" is an "A"), then casefold, then decompose what
    # casefolding composed, so that the accents can be dropped.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", without_accents)).split())


# --- Yes/no, vocabularies, numbers ----------------------------------------------------------
_YES_NO = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}


def normalise_yesno(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        answer = _YES_NO.get(value.strip().lower())
        if answer is not None:
            return answer
    raise NotValid("Write Y or N (or leave the cell blank if it is not known).")


_VOCAB_SEPARATORS = re.compile(r"[\s\-]+")


class Vocabulary:
    """Case-insensitive matching onto a fixed list, accepting spaces or hyphens for underscores."""

    def __init__(self, values: tuple[str, ...]):
        self.values = values
        self._by_key = {self._key(value): value for value in values}
        self._seen: dict[str, str] = {}
        self._advice = "Use one of: " + ", ".join(values) + "."

    @staticmethod
    def _key(text: str) -> str:
        return _VOCAB_SEPARATORS.sub("_", text.strip()).casefold()

    def __call__(self, value: object) -> str:
        if isinstance(value, str):
            found = self._seen.get(value)
            if found is not None:
                return found
            found = self._by_key.get(self._key(value))
            if found is not None:
                if len(self._seen) < 10_000:
                    self._seen[value] = found
                return found
        elif isinstance(value, int | float) and not isinstance(value, bool):  # "intel_assessment": 2
            found = self._by_key.get(_number_as_text(value))
            if found is not None:
                return found
        raise NotValid(f"'{value}' is not in the list. {self._advice}")


@cache
def vocabulary(values: tuple[str, ...]) -> Vocabulary:
    return Vocabulary(values)


_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


def normalise_number(value: object) -> Decimal:
    """A number of at least zero (grams, pounds): 12, 12.5, "1,250.00"."""
    if isinstance(value, bool):
        raise NotValid("Write a number (0 or more).")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotValid("Write a number (0 or more).")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.startswith("-") and _PLAIN_NUMBER.fullmatch(text[1:]):
            raise NotValid("This cannot be negative: write 0 or more.")
        if not _PLAIN_NUMBER.fullmatch(text):
            raise NotValid("Write a number, using digits and a decimal point only (no units or £), "
                           "for example 12.5.")
        try:
            number = Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only decimals
            raise NotValid("Write a number, for example 12.5.") from error
    else:
        raise NotValid("Write a number (0 or more).")
    if number < 0:
        raise NotValid("This cannot be negative: write 0 or more.")
    return number


def number_within(column: str, whole_digits: int, places: int):
    """normalise_number for a column that holds numbers below 10^whole_digits with at most
    `places` decimal places (12.50 has one: the zero adds nothing), exactly as stored."""
    message = f"Give {column} as a number below 10^{whole_digits} with at most {places} decimal places."

    def normalise(value: object) -> Decimal:
        number = normalise_number(value)
        exponent = number.normalize().as_tuple().exponent
        if number.adjusted() >= whole_digits or (isinstance(exponent, int) and -exponent > places):
            raise NotValid(message, code="number_out_of_range")
        return number

    return normalise


MAX_WHOLE_NUMBER = 999_999  # ages and counts; more is a typing slip, and would not fit the column


def normalise_int(value: object) -> int:
    """A whole number of at least zero: 17, "17", or a spreadsheet's 17.0."""
    if isinstance(value, bool):
        raise NotValid("Write a whole number.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        if len(value.strip()) > len(str(MAX_WHOLE_NUMBER)):
            raise NotValid("This number is too large.")
        value = int(value.strip())
    if isinstance(value, int):
        if value < 0:
            raise NotValid("This cannot be negative.")
        if value > MAX_WHOLE_NUMBER:
            raise NotValid("This number is too large.")
        return value
    raise NotValid("Write a whole number, for example 17.")


_UPRN = re.compile(r"[0-9]{1,12}")


def normalise_uprn(value: object) -> str:
    """A Unique Property Reference Number: 1 to 12 digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        text = str(value)
    elif isinstance(value, float) and value.is_integer() and value >= 0:
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip()
    else:
        text = ""
    if not _UPRN.fullmatch(text):
        raise NotValid("A UPRN is 1 to 12 digits, for example 100023336956.")
    return text


def normalise_email(value: object) -> str:
    text = normalise_text(value)
    try:
        validate_email(text)
    except ValidationError as error:
        raise NotValid("Give an e-mail address, for example fib@example.police.uk.") from error
    return text


# --- Dates ----------------------------------------------------------------------------------
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2,4})")


def normalise_date(value: object) -> date:
    """ISO YYYY-MM-DD, UK DD/MM/YYYY or D/M/YYYY, or a real spreadsheet date cell. Never US order,
    and never a bare number: a serial number in a CSV cannot be told from a typo."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise NotValid(f"This is a number, not a date. {_DATE_ADVICE}.")
        raise NotValid(f"{_DATE_ADVICE}.")
    text = value.strip()
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _SLASH_DATE.fullmatch(text)
        if not match:
            raise NotValid(f"'{text}' is not a date we can read. {_DATE_ADVICE}.")
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) != 4:
            raise NotValid(f"Write the year in full (four digits). {_DATE_ADVICE}.")
        if month > 12 and day <= 12:
            raise NotValid(f"'{text}' looks like a US-style date (month first). Use DD/MM/YYYY, "
                           f"for example {DATE_EXAMPLE}.")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise NotValid(f"'{text}' is not a real date. {_DATE_ADVICE}.") from error


def age_on(born: date, day: date) -> int:
    """Whole years completed on `day` (a 29 February birthday counts from 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- Phone numbers --------------------------------------------------------------------------
# Separators people put in numbers: spaces, hyphens, dots, brackets.
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]+")
# A 10-digit UK national number in any of the three written forms. phonenumbers agrees that
# each one is a possible UK number, so the common case skips its (slower) parser.
_UK_TEN_DIGITS = re.compile(r"(?:\+44|0044|0)([1-9][0-9]{9})")
_PHONE_ADVICE = "Write a UK number like 07700 900123 or an international one like +447700900123"


@lru_cache(maxsize=8_192)  # bounded, and emptied after each return: memory must not grow with it
def _phone(text: str) -> str | None:
    squeezed = _PHONE_SEPARATORS.sub("", text)
    match = _UK_TEN_DIGITS.fullmatch(squeezed)
    if match:
        return "+44" + match.group(1)
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    # "Possible" (right length for the country), not "valid" (in an allocated range): Ofcom
    # keeps ranges such as 07700 900000-900999 for drama and examples, which phonenumbers calls
    # invalid, and a number recorded by an officer is evidence even if its range is unusual. A
    # number that is possible only as a local number (no area code) is too short to use.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    if number.country_code == 44 and _uk_mobile_range_wrong_length(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _uk_mobile_range_wrong_length(number: phonenumbers.PhoneNumber) -> bool:
    """UK 07 numbers (mobiles, pagers, personal numbers: the deal lines) all have 11 digits written
    nationally. phonenumbers calls 077009004 "possible" because some UK fixed lines are that short,
    but as a 07 number it is a digit or two short: a mistyped deal line, not evidence."""
    if number.italian_leading_zero:
        return True  # 077009004: the 0 was kept as part of the number, so it was too short to be read
    national = str(number.national_number)
    return national.startswith("7") and len(national) != 10


def forget_remembered_values() -> None:
    """Empty the caches of phone numbers and name keys, which hold personal data: called once a
    return has been dealt with, so that none outlives it in the process."""
    _phone.cache_clear()
    name_key.cache_clear()


def normalise_phone(value: object) -> str:
    """A phone number in E.164 (+447700900123), from UK or international writing."""
    if isinstance(value, int) and not isinstance(value, bool):
        # A spreadsheet number cell has lost the leading 0 of 07700 900123.
        value = str(value)
    if not isinstance(value, str) or len(value) > 40:
        raise NotValid(f"{_PHONE_ADVICE}.")
    number = _phone(value.strip())
    if number is None:
        raise NotValid(f"'{value.strip()}' is not a possible phone number. {_PHONE_ADVICE}.")
    return number


# --- Postcodes, registration marks, PNC ids -------------------------------------------------
def normalise_postcode(value: object) -> str:
    """A full UK postcode in its canonical form, "LS1 4AP"."""
    postcode = _reference_postcode(value) if isinstance(value, str) else None
    if postcode is None:
        raise NotValid(f"'{value}' is not a UK postcode. Write the full postcode, for example LS1 4AP.")
    return postcode


_VRM_SEPARATORS = re.compile(r"[\s\-]+")
_VRM = re.compile(r"[A-Z0-9]{2,8}")


def normalise_vrm(value: object) -> str:
    """A vehicle registration mark, upper-case without spaces: "ab12 cde" is "AB12CDE"."""
    text = _VRM_SEPARATORS.sub("", normalise_text(value)).upper()
    if not _VRM.fullmatch(text):
        raise NotValid("A registration mark is 2 to 8 letters and digits, for example AB12 CDE.")
    return text


PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"  # 23 letters: no I, O or S
_PNC = re.compile(r"([0-9]{2})/([0-9]{1,7})([A-Z])")


class PncId(NamedTuple):
    text: str  # as given, upper-cased: "09/123456C"
    key: str  # canonical, serial zero-padded to 7 digits: "09/0123456C"
    expected_letter: str = ""  # the check letter the number implies, where the given one differs


def pnc_check_letter(year: int, serial: int) -> str:
    """The PNC check character: the 2-digit year followed by the 7-digit serial, as one
    number, modulo 23, indexing PNC_CHECK_LETTERS."""
    return PNC_CHECK_LETTERS[int(f"{year:02d}{serial:07d}") % 23]


def normalise_pnc(value: object) -> PncId:
    """A Police National Computer id, YY/NNNNNNNA (the serial may have fewer than 7 digits)."""
    text = normalise_text(value).upper().replace(" ", "")
    match = _PNC.fullmatch(text)
    if not match:
        raise NotValid("A PNC id is written YY/NNNNNNNA: two digits of year, '/', up to seven digits "
                       "and a check letter, for example 09/123456C.")
    year, serial, letter = int(match.group(1)), int(match.group(2)), match.group(3)
    # A check letter that disagrees is a warning, not an error: the format (return-format-v1,
    # people.pnc_id) asks only for YY/NNNNNNNA, and its own example 09/123456X would fail the check.
    expected = pnc_check_letter(year, serial)
    return PncId(text=text, key=f"{year:02d}/{serial:07d}{letter}", expected_letter="" if letter == expected else expected)
