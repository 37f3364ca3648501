"""Comparison keys for the values linkage compares: forenames with their nicknames, deal line
brands and addresses written in the many ways forces write them.

The keys build on `crossline.returns.normalise.name_key` (casefolded, accents and punctuation
gone), which storage has already applied to people's names.
"""

import re
from functools import lru_cache

from crossline.returns.normalise import name_key

# Common English forename families: a nickname and the names it shortens. A name in several
# families (Sam: Samuel, Samantha) joins them, so that "Sam" compares equal to both; gender,
# compared separately, tells Samuel from Samantha.
NICKNAME_FAMILIES = (
    ("will", "william", "bill", "billy", "liam"), ("rob", "robert", "bob", "bobby", "robbie"),
    ("mike", "michael", "mick", "mikey"), ("jamie", "james", "jim", "jimmy"), ("tom", "thomas", "tommy"),
    ("joe", "joseph", "joey"), ("danny", "daniel", "dan"), ("chris", "christopher", "christine", "christina"),
    ("jon", "jonathan", "jonny"), ("matt", "matthew"), ("tony", "anthony", "ant"),
    ("sam", "samuel", "samantha", "sammy"), ("ben", "benjamin", "benny"), ("alex", "alexander", "alexandra"),
    ("nick", "nicholas", "nicky", "nicola"), ("josh", "joshua"), ("rich", "richard", "rick", "ricky", "dick"),
    ("andy", "andrew", "drew"), ("steve", "stephen", "steven", "stevie"), ("dave", "david", "davey"),
    ("jack", "jacky", "jackie", "jacqueline"), ("ken", "kenneth", "kenny"), ("tim", "timothy", "timmy"),
    ("ed", "edward", "eddie", "ted", "teddy"), ("fred", "frederick", "freddie"), ("len", "leonard", "lenny"),
    ("ron", "ronald", "ronnie"), ("terry", "terence"), ("greg", "gregory"), ("pat", "patrick", "patricia"),
    ("jake", "jacob"), ("nate", "nathan", "nathaniel"), ("zac", "zachary", "zach", "zak"), ("cal", "callum"),
    ("kier", "kieran"), ("kate", "katherine", "katie", "kathryn"), ("cath", "catherine", "cathy"),
    ("liz", "elizabeth", "beth", "lizzie", "eliza"), ("becky", "rebecca", "becca"), ("jess", "jessica"),
    ("vicky", "victoria", "vikki"), ("maggie", "margaret", "peggy", "meg"), ("jenny", "jennifer", "jen"),
    ("charlie", "charlotte", "charles"), ("abbie", "abigail", "abby"), ("nat", "natalie", "natasha"),
    ("debbie", "deborah", "debra"), ("sue", "susan", "suzanne"), ("dani", "danielle"), ("gem", "gemma"),
    ("steph", "stephanie"), ("mandy", "amanda"), ("kim", "kimberley", "kimberly"), ("jo", "joanne", "joanna"),
    ("lea", "leanne"), ("harry", "henry", "harold"), ("alf", "alfred", "alfie"), ("archie", "archibald"),
    ("olly", "oliver", "ollie"), ("theo", "theodore"), ("seb", "sebastian"), ("fran", "francesca", "frances"),
    ("ellie", "eleanor", "elena"), ("millie", "amelia", "emily", "mildred"), ("lou", "louise", "louisa"),
)
_FAMILY = {}
for _family in NICKNAME_FAMILIES:
    _key = _FAMILY.get(_family[0], _family[0])
    for _name in _family:
        _FAMILY.setdefault(_name, _key)


@lru_cache(maxsize=100_000)
def forename_key(forenames_key: str) -> str | None:
    """The first forename, as its family's key: "william john" and "will" both give "will"."""
    first = forenames_key.split(" ", 1)[0] if forenames_key else ""
    return _FAMILY.get(first, first) or None


_LINE_WORD = re.compile(r"(?:^|\s)(?:line|deal line|phone)$")


def brand_key(line_name: str) -> str | None:
    """A line's brand: "JAY LINE", "Jay line", "jay phone line" and "jay" are one brand. The
    generic words come off until none is left at the end, so a key is its own key and a name
    of generic words only ("PHONE LINE", "phone") names no brand."""
    key = name_key(line_name or "")
    while (shorter := _LINE_WORD.sub("", key).strip()) != key:
        key = shorter
    return key or None


# Spelt out, so "12 Example Rd" and "12 Example Road" compare equal. Whole words only.
ADDRESS_WORDS = {
    "rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close", "dr": "drive",
    "cres": "crescent", "cresc": "crescent", "gdns": "gardens", "gr": "grove", "gro": "grove", "pl": "place",
    "ct": "court", "crt": "court", "ter": "terrace", "terr": "terrace", "sq": "square", "pk": "park",
    "flt": "flat", "apt": "flat", "apartment": "flat", "hse": "house", "wk": "walk", "mws": "mews",
}


_ASCII_APOSTROPHES = re.compile(r"['`]+")
_ASCII_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    if text.isascii():  # nearly every address: name_key's result without its Unicode work
        return _ASCII_NOT_WORD.sub(" ", _ASCII_APOSTROPHES.sub("", text.lower())).split()
    return name_key(text).split()


@lru_cache(maxsize=200_000)
def address_key(address: str) -> str | None:
    """An address for comparison: casefolded, punctuation gone, common abbreviations spelt out."""
    words = _words(address or "")
    spelt = []
    for index, word in enumerate(words):
        # "St" starting a name is Saint (St James's Hospital, 12 St Mary's Road); after one, Street.
        if word == "st" and (index == 0 or words[index - 1].isdigit()):
            spelt.append(word)
        else:
            spelt.append(ADDRESS_WORDS.get(word, word))
    return " ".join(spelt) or None


# A house or flat number in an address key: digits, perhaps one letter ("12", "12a"). Not a
# postcode's inward code ("7aa": a digit and two letters) nor outward code (it starts with letters).
_HOUSE_NUMBER = re.compile(r"[0-9]+[a-z]?")


def house_numbers(key: str | None) -> str | None:
    """The flat and house numbers of an address key, in order: "flat 2 10 high street" -> "2 10".

    Two addresses whose numbers contradict ("1 high street", "5 high street") are different
    places however alike the rest is; the same number written differently is not a difference.
    """
    numbers = [word for word in (key or "").split() if _HOUSE_NUMBER.fullmatch(word)]
    return " ".join(numbers) or None


def postcode_sector(postcode: str) -> str | None:
    """"LS1 4AP" -> "LS1 4": a few hundred addresses."""
    return postcode[:-2] if postcode and len(postcode) >= 5 else None
