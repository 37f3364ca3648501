"""Normalisers: what each accepts, what it stores, and that anything else is a NotValid with
advice (never another exception)."""

import unicodedata
from datetime import date, datetime
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crossline.returns import format as fmt
from crossline.returns import normalise as n
from crossline.returns.normalise import NotValid

ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.dates(), st.datetimes(), st.lists(st.one_of(st.text(), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
NORMALISERS = [
    n.normalise_text, n.normalise_ref, n.normalise_name, n.normalise_yesno, n.normalise_number, n.normalise_int,
    n.normalise_uprn, n.normalise_email, n.normalise_date, n.normalise_phone, n.normalise_postcode,
    n.normalise_vrm, n.normalise_pnc, n.vocabulary(fmt.DRUGS), n.vocabulary(fmt.INTEL_ASSESSMENTS),
]


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: getattr(f, "__name__", "vocabulary"))
@given(value=ANY_CELL)
def test_any_cell_either_normalises_or_says_why_not(normalise, value):
    try:
        normalise(value)
    except NotValid as problem:
        assert str(problem).strip()


# --- phone numbers --------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "stored"), [
    ("07700 900123", "+447700900123"), ("+447700900123", "+447700900123"), ("00447700900123", "+447700900123"),
    ("(0113) 496 0000", "+441134960000"), ("+44 (0)7700 900123", "+447700900123"), ("07700-900-123", "+447700900123"),
    (7700900123, "+447700900123"),  # a spreadsheet number cell drops the leading 0
    ("+1 202 555 0100", "+12025550100"), ("+33 6 12 34 56 78", "+33612345678"),
])
def test_phone_numbers_are_stored_in_e164(written, stored):
    assert n.normalise_phone(written) == stored


@pytest.mark.parametrize("written", ["12345", "077009", "077009001234567", "phone", "+44", "999", ""])
def test_impossible_phone_numbers_are_refused(written):
    with pytest.raises(NotValid, match="07700 900123"):
        n.normalise_phone(written)


@pytest.mark.parametrize("written", ["077009004", "07700 90040", "0770090040", "+44 7700 9001234", "447700 90012"])
def test_a_uk_07_number_a_digit_short_or_long_is_refused(written):
    # phonenumbers calls some of these "possible" (UK fixed lines can be that short); a deal line
    # in the 07 range always has 11 digits, so these are typing mistakes, not evidence.
    with pytest.raises(NotValid, match="not a possible phone number"):
        n.normalise_phone(written)


def test_short_uk_fixed_lines_and_freephone_numbers_are_still_accepted():
    assert n.normalise_phone("0800 123456") == "+44800123456"
    assert n.normalise_phone("01632 960001") == "+441632960001"


def test_ofcom_drama_numbers_are_accepted_though_phonenumbers_calls_them_invalid():
    number = phonenumbers.parse("07700 900123", "GB")
    assert not phonenumbers.is_valid_number(number)  # why possibility, not validity, is the test
    assert n.normalise_phone("07700 900999") == "+447700900999"


@given(digits=st.from_regex(r"[1-9][0-9]{9}", fullmatch=True), prefix=st.sampled_from(["0", "+44", "0044"]),
       spaced=st.booleans())
def test_the_fast_path_for_uk_numbers_agrees_with_phonenumbers(digits, prefix, spaced):
    written = prefix + (f"{digits[:4]} {digits[4:]}" if spaced else digits)
    parsed = phonenumbers.parse(written, "GB")
    assert phonenumbers.is_possible_number_with_reason(parsed) == phonenumbers.ValidationResult.IS_POSSIBLE
    assert n.normalise_phone(written) == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- postcodes and registration marks -------------------------------------------------------
@pytest.mark.parametrize(("written", "stored"), [("ls14ap", "LS1 4AP"), (" LS1  4AP ", "LS1 4AP"),
                                                  ("sw1a 1aa", "SW1A 1AA")])
def test_postcodes_are_stored_in_canonical_form(written, stored):
    assert n.normalise_postcode(written) == stored


@pytest.mark.parametrize("written", ["LS1", "LS1 4AO", "QQ1 1AA", "12345", 12345])
def test_things_that_are_not_postcodes_are_refused(written):
    with pytest.raises(NotValid, match="LS1 4AP"):
        n.normalise_postcode(written)


@given(mark=st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True), data=st.data())
def test_registration_marks_ignore_spaces_hyphens_and_case(mark, data):
    written = "".join(ch.lower() if data.draw(st.booleans()) else ch for ch in mark)
    cut = data.draw(st.integers(0, len(written)))
    written = written[:cut] + data.draw(st.sampled_from([" ", "-", "  ", ""])) + written[cut:]
    assert n.normalise_vrm(written) == mark


@pytest.mark.parametrize("written", ["A", "AB12 CDE 123", "AB£12", "—"])
def test_registration_marks_must_be_2_to_8_letters_and_digits(written):
    with pytest.raises(NotValid, match="2 to 8"):
        n.normalise_vrm(written)


# --- names ----------------------------------------------------------------------------------
@given(st.text(min_size=1).filter(lambda text: text.strip() and "\x00" not in text))
def test_names_are_nfc_and_tidy_and_normalising_twice_changes_nothing(text):
    name = n.normalise_name(text)
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip() and "  " not in name
    assert n.normalise_name(name) == name
    assert n.normalise_name(unicodedata.normalize("NFD", text)) == name


def test_names_keep_their_case_and_accents():
    assert n.normalise_name("  Zoë   O'Brien\t") == "Zoë O'Brien"


@pytest.mark.parametrize(("a", "b"), [("Zoë O'Brien", "zoe obrien"), ("Smith-Jones", "smith jones"),
                                      ("NÚÑEZ", "nunez"), ("  Jay   Lee ", "jay lee"), ("Straße", "strasse")])
def test_name_keys_match_names_written_differently(a, b):
    assert n.name_key(a) == n.name_key(b)


@given(st.text())
def test_name_keys_are_plain_lower_case_words(text):
    key = n.name_key(text)
    assert key == key.casefold() and key == " ".join(key.split())
    assert not any(unicodedata.combining(ch) for ch in key)


# --- dates ----------------------------------------------------------------------------------
@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_read_in_every_accepted_writing(day):
    assert n.normalise_date(day.isoformat()) == day
    assert n.normalise_date(day.strftime("%d/%m/%Y")) == day
    assert n.normalise_date(f"{day.day}/{day.month}/{day.year:04d}") == day
    assert n.normalise_date(datetime(day.year, day.month, day.day, 13, 5)) == day
    assert n.normalise_date(day) == day


def test_a_us_order_date_is_refused_with_advice():
    with pytest.raises(NotValid, match="use DD/MM/YYYY|Use DD/MM/YYYY"):
        n.normalise_date("12/31/2026")


@pytest.mark.parametrize("written", ["45000", 45000, 45000.0, "31/10/26", "2026-13-01", "31/02/2026", "31.10.2026",
                                     "October 31 2026", "2026-10-31T00:00:00", "20261031", True])
def test_anything_else_in_a_date_cell_is_refused_with_an_example(written):
    with pytest.raises(NotValid, match="31/10/2026"):
        n.normalise_date(written)


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2008, 10, 31), date(2026, 10, 31), 18), (date(2008, 11, 1), date(2026, 10, 31), 17),
    (date(2008, 2, 29), date(2026, 2, 28), 17), (date(2008, 2, 29), date(2026, 3, 1), 18)])
def test_age_counts_whole_years(born, on, age):
    assert n.age_on(born, on) == age


# --- PNC ids ----------------------------------------------------------------------------------
def test_a_pnc_id_is_kept_as_given_upper_cased_with_a_zero_padded_key():
    # 09/123456: 090123456 mod 23 = 3, and ZABC... puts C at 3 (Z is 0).
    assert int("090123456") % 23 == 3 and n.PNC_CHECK_LETTERS[3] == "C"
    assert n.normalise_pnc("09/123456c") == n.PncId(text="09/123456C", key="09/0123456C")


@given(year=st.integers(0, 99), serial=st.integers(0, 9_999_999))
def test_every_pnc_id_is_checked_against_its_check_letter(year, serial):
    right = n.pnc_check_letter(year, serial)
    agrees = n.normalise_pnc(f"{year:02d}/{serial}{right}")
    assert (agrees.key, agrees.expected_letter) == (f"{year:02d}/{serial:07d}{right}", "")
    wrong = n.PNC_CHECK_LETTERS[(n.PNC_CHECK_LETTERS.index(right) + 1) % 23]
    # Kept (the format asks only for YY/NNNNNNNA), with the letter it should have for a warning.
    assert n.normalise_pnc(f"{year:02d}/{serial}{wrong}").expected_letter == right


def test_the_formats_own_example_pnc_id_is_accepted():
    assert n.normalise_pnc("09/123456X") == n.PncId(text="09/123456X", key="09/0123456X", expected_letter="C")


@pytest.mark.parametrize("written", ["9/123456C", "09/12345678C", "09-123456C", "09/123456", "2009/123456C"])
def test_a_pnc_id_must_be_written_yy_slash_number_letter(written):
    with pytest.raises(NotValid, match="YY/NNNNNNNA"):
        n.normalise_pnc(written)


# --- yes/no, lists, numbers, UPRN, e-mail ------------------------------------------------------
@pytest.mark.parametrize(("written", "answer"), [("Y", True), ("yes", True), ("TRUE", True), (True, True),
                                                 ("n", False), (" No ", False), ("false", False), (False, False)])
def test_yes_no_cells(written, answer):
    assert n.normalise_yesno(written) is answer


@pytest.mark.parametrize("written", ["maybe", "1", 1, "unknown"])
def test_other_answers_to_yes_no_are_refused(written):
    with pytest.raises(NotValid, match="Y or N"):
        n.normalise_yesno(written)


@pytest.mark.parametrize(("written", "stored"), [("crack_cocaine", "crack_cocaine"), ("Crack Cocaine", "crack_cocaine"),
                                                 ("crack-cocaine", "crack_cocaine"), (" CRACK  cocaine ", "crack_cocaine")])
def test_vocabularies_ignore_case_and_accept_spaces_or_hyphens(written, stored):
    assert n.vocabulary(fmt.DRUGS)(written) == stored


def test_a_word_outside_the_vocabulary_is_refused_with_the_list():
    with pytest.raises(NotValid, match="crack_cocaine, heroin"):
        n.vocabulary(fmt.DRUGS)("crack cocain")


def test_grading_codes_accept_numbers_and_lower_case():
    assert n.vocabulary(fmt.INTEL_ASSESSMENTS)(2) == "2"
    assert n.vocabulary(fmt.SOURCE_EVALS)("r") == "R"


@given(st.lists(st.sampled_from(fmt.DRUGS), min_size=1))
def test_a_multi_valued_cell_splits_on_semicolons_and_drops_repeats(drugs):
    assert n.split_multi(" ; ".join(drugs) + ";") == list(dict.fromkeys(drugs))
    assert n.split_multi(drugs) == list(dict.fromkeys(drugs))


@pytest.mark.parametrize(("written", "stored"), [("12.5", Decimal("12.5")), ("1,250", Decimal("1250")), (0, Decimal(0)),
                                                 (12.5, Decimal("12.5")), (".5", Decimal("0.5"))])
def test_numbers_of_zero_or_more(written, stored):
    assert n.normalise_number(written) == stored


@pytest.mark.parametrize("written", ["-1", -0.5, "£12", "12g", "1e3", float("nan"), "twelve"])
def test_negative_or_decorated_numbers_are_refused(written):
    with pytest.raises(NotValid):
        n.normalise_number(written)


@pytest.mark.parametrize(("written", "stored"), [("17", 17), (17, 17), (17.0, 17), (" 0 ", 0)])
def test_whole_numbers(written, stored):
    assert n.normalise_int(written) == stored


@pytest.mark.parametrize("written", ["17.5", 17.5, -1, "seventeen", "１７"])
def test_anything_but_a_whole_number_is_refused(written):
    with pytest.raises(NotValid):
        n.normalise_int(written)


@pytest.mark.parametrize(("written", "stored"), [("100023336956", "100023336956"), (72012345, "72012345"), ("1", "1")])
def test_uprns_are_1_to_12_digits(written, stored):
    assert n.normalise_uprn(written) == stored


@pytest.mark.parametrize("written", ["1000233369561", "UPRN1", "", "-1", 1.5])
def test_other_uprns_are_refused(written):
    with pytest.raises(NotValid, match="1 to 12 digits"):
        n.normalise_uprn(written)


@example("fib@example.police.uk")
@given(st.emails())
def test_email_addresses_are_accepted(address):
    assert n.normalise_email(address) == address


@pytest.mark.parametrize("written", ["fib", "fib@", "@example.police.uk", "a b@example.police.uk"])
def test_things_that_are_not_email_addresses_are_refused(written):
    with pytest.raises(NotValid, match="e-mail"):
        n.normalise_email(written)


@pytest.mark.parametrize("normalise", [n.normalise_text, n.normalise_ref])
def test_text_holding_a_nul_is_refused(normalise):
    with pytest.raises(NotValid, match="NUL"):
        normalise("L\x001")


def test_text_that_a_spreadsheet_turned_into_a_date_is_refused():
    with pytest.raises(NotValid, match="Format the column as Text"):
        n.normalise_text(datetime(2026, 1, 2))
