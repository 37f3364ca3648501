"""Identifiers that look real to a parser and can never belong to a real person or vehicle.

Phone numbers. Ofcom reserves 07700 900000-900999 for drama: the first 1,000 mobile numbers
come from there. Larger worlds need more, so numbers 1,000 onwards come from 100,000-number
blocks that look like UK mobiles but are not allocated to any operator: the rest of 07700 9,
then 07700 2, 4, 5 and 6, then 07911 3, 4, 5, 6 and 9 (1,000,000 numbers in all). libphonenumber's GB metadata, which tracks
Ofcom's allocations, calls every one of them *possible* (right shape, so a parser and a
normaliser treat them as phones) but not *valid* (no network has them): `assert_fictional`
checks exactly that, and the tests check every number the generator writes. Fixed lines
(a force switchboard) use Ofcom's drama range 01632 960000-960999, which is also not valid.

PNC ids are well formed (YY/NNNNNNNA with the right check letter) but the serials are drawn at
random; VRMs are in the current GB format with made-up letters; UPRNs are drawn from
990,000,000,000 upwards, far above any issued; postcodes are real districts with made-up
sectors and units.
"""

import random

import phonenumbers

# National significant number prefixes of the blocks, in the order they are used.
MOBILE_BLOCKS = ("77009", "77002", "77004", "77005", "77006", "79113", "79114", "79115", "79116", "79119")
MOBILE_BLOCK_SIZE = 100_000
MOBILE_CAPACITY = MOBILE_BLOCK_SIZE * len(MOBILE_BLOCKS)
DRAMA_MOBILES = 1_000  # 07700 900000-900999
DRAMA_LANDLINE_PREFIX = "1632960"  # 01632 960xxx
PHONE_STYLES = ("spaced", "compact", "e164", "intl00", "e164_spaced")

PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
# Current-format memory tags: letters a DVLA office prefix can start with (never I, Q, Z).
VRM_REGION_LETTERS = "ABCDEFGHKLMNOPRSVWY"
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O, V in the inward code
UPRN_BASE = 990_000_000_000


class PhonePoolExhausted(ValueError):
    pass


def mobile_number(index: int) -> str:
    """The `index`th fictional mobile number, national format `07700 900123`."""
    if not 0 <= index < MOBILE_CAPACITY:
        raise PhonePoolExhausted(f"only {MOBILE_CAPACITY:,} fictional mobile numbers exist; asked for #{index:,}")
    block, offset = divmod(index, MOBILE_BLOCK_SIZE)
    digits = f"0{MOBILE_BLOCKS[block]}{offset:05d}"
    return f"{digits[:5]} {digits[5:]}"


def drama_landline(index: int) -> str:
    if not 0 <= index < 1000:
        raise ValueError("the drama landline range holds 1,000 numbers")
    return f"01632 960{index:03d}"


def phone_variant(number: str, style: str) -> str:
    """The same number written the ways forces' systems write it."""
    national = number.replace(" ", "")  # 07700900123 / 01632960123
    significant = national[1:]
    if style == "compact":
        return national
    if style == "e164":
        return "+44" + significant
    if style == "intl00":
        return "0044" + significant
    if style == "e164_spaced":
        return f"+44 {significant[:4]} {significant[4:]}"
    return number


def assert_fictional(number: str) -> None:
    """Raise unless `number` is a possible GB number that no network has been allocated."""
    parsed = phonenumbers.parse(number, "GB")
    if not phonenumbers.is_possible_number(parsed) or phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{number!r} is not a fictional number")
    significant = phonenumbers.national_significant_number(parsed)
    if not (significant[:5] in MOBILE_BLOCKS or significant.startswith(DRAMA_LANDLINE_PREFIX)):
        raise ValueError(f"{number!r} is outside the generator's fictional ranges")


def pnc_check_letter(year: int, serial: int) -> str:
    return PNC_CHECK_LETTERS[int(f"{year:02d}{serial:07d}") % 23]


def pnc_id(year: int, serial: int, *, pad: bool = True) -> str:
    """`YY/NNNNNNNA`; `pad=False` drops the serial's leading zeros, as many systems print it."""
    digits = f"{serial:07d}" if pad else str(serial)
    return f"{year % 100:02d}/{digits}{pnc_check_letter(year % 100, serial)}"


def vrm(rng: random.Random, *, registered_year: int) -> str:
    """A current-format registration (`AB12 CDE`) with an age identifier for `registered_year`."""
    age = registered_year % 100 + (50 if rng.random() < 0.5 else 0)
    memory = rng.choice(VRM_REGION_LETTERS) + rng.choice(VRM_LETTERS)
    return f"{memory}{age:02d} {''.join(rng.choice(VRM_LETTERS) for _ in range(3))}"


def vrm_variant(mark: str, style: str) -> str:
    if style == "compact":
        return mark.replace(" ", "")
    if style == "lower":
        return mark.lower()
    return mark


def postcode(rng: random.Random, district: str) -> str:
    return f"{district} {rng.randrange(10)}{rng.choice(POSTCODE_UNIT_LETTERS)}{rng.choice(POSTCODE_UNIT_LETTERS)}"


def postcode_variant(code: str, style: str) -> str:
    if style == "compact_lower":
        return code.replace(" ", "").lower()
    if style == "double_space":
        return code.replace(" ", "  ")
    if style == "lower":
        return code.lower()
    return code


def uprn(rng: random.Random) -> str:
    return str(UPRN_BASE + rng.randrange(1_000_000_000))
