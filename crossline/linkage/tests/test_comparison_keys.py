"""The keys records are compared by: the same name, brand or address written any way gives
the same key."""

from hypothesis import given
from hypothesis import strategies as st

from crossline.linkage.engine.names import address_key, brand_key, forename_key

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)


def test_nicknames_share_their_family_s_key():
    assert forename_key("william john") == forename_key("will") == forename_key("bill")
    assert forename_key("samuel") == forename_key("samantha") == forename_key("sam")
    assert forename_key("jack") != forename_key("james")
    assert forename_key("") is None


def test_a_line_s_brand_is_its_name_without_line():
    assert brand_key("JAY LINE") == brand_key("Jay line") == brand_key("jay") == "jay"
    assert brand_key("Line") is None and brand_key("") is None
    # Generic words only name no brand, however many: otherwise "PHONE LINE" would be brand
    # "phone" while "phone" is none, and two forces' records of one line would not meet.
    assert brand_key("PHONE LINE") is None and brand_key("phone") is None
    assert brand_key("Jay phone line") == "jay"


def test_addresses_compare_whatever_their_abbreviations_case_and_commas():
    assert address_key("Flat 3, 12 Example Rd, Leeds") == address_key("FLT 3 12 EXAMPLE ROAD LEEDS")
    assert address_key("St James's Hospital, Leeds") == "st jamess hospital leeds"
    assert address_key("4 High St, Leeds") == "4 high street leeds"


@given(st.lists(words, min_size=1, max_size=6))
def test_an_address_key_is_unchanged_by_case_punctuation_and_spacing(parts):
    address = " ".join(parts)
    key = address_key(address)
    assert address_key(address.upper()) == key
    assert address_key(", ".join(parts)) == key
    assert address_key("  " + "  ".join(parts) + " ") == key
    assert address_key(key) == key  # a key is its own key


@given(words)
def test_a_brand_key_is_unchanged_by_case_and_the_word_line(brand):
    assert brand_key(f"{brand.upper()} LINE") == brand_key(brand) == brand_key(brand_key(brand) or "")


@given(st.text(max_size=40))
def test_an_address_key_agrees_with_the_name_key_it_builds_on(text):
    from crossline.linkage.engine.names import _words
    from crossline.returns.normalise import name_key

    assert _words(text) == name_key(text).split()
