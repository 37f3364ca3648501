"""The ways the same fact comes out differently in two forces' systems: typing slips, nicknames,
swapped name fields, transposed dates, abbreviations. Each takes the random stream of one force's
record of one entity, so a force writes the same record the same way every month."""

import random
from datetime import date

NICKNAMES = {
    "William": "Will", "Robert": "Rob", "Michael": "Mike", "James": "Jamie", "Thomas": "Tom", "Joseph": "Joe",
    "Daniel": "Danny", "Christopher": "Chris", "Jonathan": "Jon", "Matthew": "Matt", "Anthony": "Tony",
    "Samuel": "Sam", "Benjamin": "Ben", "Alexander": "Alex", "Nicholas": "Nick", "Joshua": "Josh",
    "Richard": "Rich", "Andrew": "Andy", "Stephen": "Steve", "Steven": "Steve", "David": "Dave",
    "Jack": "Jacky", "Kenneth": "Ken", "Timothy": "Tim", "Edward": "Eddie", "Frederick": "Fred",
    "Leonard": "Len", "Ronald": "Ron", "Terence": "Terry", "Gregory": "Greg", "Patrick": "Pat",
    "Jacob": "Jake", "Nathan": "Nate", "Zachary": "Zac", "Callum": "Cal", "Kieran": "Kier",
    "Katherine": "Kate", "Catherine": "Cath", "Elizabeth": "Liz", "Rebecca": "Becky", "Jessica": "Jess",
    "Samantha": "Sam", "Victoria": "Vicky", "Margaret": "Maggie", "Jennifer": "Jenny", "Charlotte": "Charlie",
    "Abigail": "Abbie", "Natalie": "Nat", "Jacqueline": "Jackie", "Deborah": "Debbie", "Susan": "Sue",
    "Christine": "Chris", "Alexandra": "Alex", "Danielle": "Dani", "Gemma": "Gem", "Stephanie": "Steph",
    "Amanda": "Mandy", "Kimberley": "Kim", "Nicola": "Nicky", "Joanne": "Jo", "Leanne": "Lea",
}
ADDRESS_ABBREVIATIONS = (("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Close", "Cl"),
                         ("Drive", "Dr"), ("Crescent", "Cres"), ("Flat ", "Flt "))
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rng: random.Random, text: str, edits: int = 1) -> str:
    """One or two slips of the keyboard: a letter dropped, doubled, swapped with its neighbour or mistyped."""
    for _ in range(edits):
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text) - 1)  # keep the first letter: it is usually right
        kind = rng.randrange(4)
        if kind == 0:
            text = text[:i] + text[i + 1:]
        elif kind == 1:
            text = text[:i] + text[i] + text[i:]
        elif kind == 2:
            text = text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
        else:
            letter = rng.choice(LETTERS)
            text = text[:i] + (letter.upper() if text[i].isupper() else letter) + text[i + 1:]
    return text


def nickname(forename: str) -> str | None:
    return NICKNAMES.get(forename)


def transposed(dob: date) -> date | None:
    """The date with day and month swapped, when that is still a date and a different one."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dob.replace(month=dob.day, day=dob.month)


def abbreviated(address: str) -> str:
    for long, short in ADDRESS_ABBREVIATIONS:
        address = address.replace(long, short)
    return address


def address_variant(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        return abbreviated(address)
    if roll < 0.22:
        return address.upper()
    if roll < 0.27:
        return address.replace(",", "")
    return address
