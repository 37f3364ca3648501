"""UK postcodes as people write them: "ls14ap", " LS1  4AP ", "Ls1 4ap" are all "LS1 4AP".

Validation follows the Royal Mail format rules (which letters may stand where), so a typo such
as "LS1 4AO" or "QQ1 1AA" is not taken for a postcode. British Forces (BFPO) addresses are not
places in England and Wales, so they are refused rather than routed.
"""

import re

# Outward code: area (1-2 letters) + district (digit, then optional digit or letter).
# Position 1 never Q, V, X; position 2 never I, J, Z; the letter in "A9A" is one of
# ABCDEFGHJKPSTUW; the letter in "AA9A" is one of ABEHMNPRVWXY.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
# Inward code: sector digit + unit letters, never C, I, K, M, O or V.
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"(?P<outward>{_OUTWARD})(?P<inward>{_INWARD})")
_DISTRICT = re.compile(_OUTWARD)
_GIRO = "GIR0AA"  # the one postcode outside the rules (Girobank, Bootle)
# British Forces Post Office: "BFPO 1234" and the BF1 district used for it.
_FORCES_AREA = "BF"


def _squeeze(text) -> str | None:
    """Uppercase with all whitespace removed; None for anything that is not plain ASCII text.

    ASCII first, because str.upper() turns some other letters into ASCII ones ("ß" -> "SS")."""
    if not isinstance(text, str):
        return None
    squeezed = "".join(text.split())
    if not squeezed.isascii():
        return None
    return squeezed.upper()


def normalise_postcode(text: str | None) -> str | None:
    """The canonical form ("LS1 4AP") of a UK postcode written with any spacing or case, or None."""
    squeezed = _squeeze(text)
    if squeezed is None:
        return None
    if squeezed == _GIRO:
        return "GIR 0AA"
    match = _POSTCODE.fullmatch(squeezed)
    if match is None or match["outward"].startswith(_FORCES_AREA):
        return None
    return f"{match['outward']} {match['inward']}"


def postcode_district(text: str | None) -> str | None:
    """The outward code ("LS1") of a postcode, or of a bare district written on its own; else None."""
    postcode = normalise_postcode(text)
    if postcode is not None:
        return postcode.split(" ")[0]
    # A district on its own is one word: "LS1 4" is a postcode sector, not district LS14.
    if not isinstance(text, str) or len(text.split()) != 1:
        return None
    squeezed = _squeeze(text)
    if squeezed is None or squeezed.startswith(_FORCES_AREA) or not _DISTRICT.fullmatch(squeezed):
        return None
    return squeezed
