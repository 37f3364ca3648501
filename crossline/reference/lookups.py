"""Resolving places written by people and in returns: forces, councils, postcodes.

Every later feature resolves geography through these functions. The reference tables are small
(44 forces, 318 councils, ~4,800 district shares), so they are read once per process and held in
memory: a return of 500,000 rows costs no database query per row, except full postcodes, which
`locate_postcodes` looks up in batches. `refdata_changed()` drops the in-memory copy; the loaders
call it, and other processes pick up a reload when they restart.

Matching is exact after tidying (case, spacing, punctuation, "&"/"and") and stripping the usual
suffixes ("Police", "Constabulary", "City Council", ...) plus a short list of names in common
use ("Met", "Hull"). Nothing is guessed beyond that: an unrecognised name gives None.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from crossline.reference.models import (
    LocalAuthority,
    LocalAuthorityCode,
    PoliceForce,
    Postcode,
    PostcodeDistrictShare,
)
from crossline.reference.postcodes import normalise_postcode, postcode_district

# A district goes to one force only when at least four in five of its postcodes are in that
# force's area: the rest of the time a person chooses (or the national triage queue does).
# Of the 2,524 districts in England and Wales, 555 cross a force boundary and 86 fall below this.
CLEAR_MAJORITY = Decimal("0.8")

# Abbreviations and short names in everyday use, which no suffix rule produces.
FORCE_ALIASES = {
    "met": "E23000001",
    "mps": "E23000001",
    "colp": "E23000034",
    "gmp": "E23000005",
    "btp": "BTP",
}
LOCAL_AUTHORITY_ALIASES = {
    "hull": "E06000010",  # Kingston upon Hull, City of
}
_FORCE_SUFFIXES = ("police service", "police force", "police area", "constabulary", "police")
_COUNCIL_SUFFIXES = (
    "metropolitan borough council", "metropolitan district council", "county borough council",
    "royal borough council", "borough council", "district council", "city council",
    "county council", "council",
)
_COUNCIL_PREFIXES = (
    "the ", "london borough of ", "royal borough of ", "metropolitan borough of ", "borough of ",
    "city and county of ", "city of ", "county of ",
)


class Confidence(StrEnum):
    EXACT = "exact"  # the full postcode is in the ONS postcode directory
    DISTRICT = "district"  # from the district's shares: one force holds a clear majority
    AMBIGUOUS = "ambiguous"  # the district spans forces and none holds a clear majority
    UNKNOWN = "unknown"  # a postcode, but its district is not in the reference data
    INVALID = "invalid"  # not a postcode


@dataclass(frozen=True)
class Council:
    """A council as a partner knows it: a district or unitary council, or an upper-tier county
    council (children's services sit there), with the districts it covers."""

    code: str
    name: str
    police_force: PoliceForce | None
    local_authorities: tuple[LocalAuthority, ...]


@dataclass(frozen=True)
class Area:
    """An exporting or importing area: a whole force area or one local authority."""

    kind: str  # "force" or "local_authority"
    code: str
    name: str
    police_force: PoliceForce


@dataclass(frozen=True)
class DistrictShare:
    police_force: PoliceForce
    local_authority: LocalAuthority
    share: Decimal
    postcode_count: int


@dataclass(frozen=True)
class PostcodeLocation:
    postcode: str | None  # canonical, or None when only a district (or nothing valid) was given
    district: str | None
    police_force: PoliceForce | None
    local_authority: LocalAuthority | None
    confidence: Confidence
    shares: tuple[DistrictShare, ...] = ()  # every (force, council, share) in the district
    terminated: bool = False  # a postcode Royal Mail no longer uses; where it was is still known

    @property
    def force_share(self) -> Decimal | None:
        """The share of the district's postcodes in `police_force`'s area."""
        if self.police_force is None or not self.shares:
            return None
        return sum((s.share for s in self.shares if s.police_force == self.police_force), Decimal(0))


def name_key(text: str) -> str:
    """Lowercase words only: "Avon & Somerset" and "avon and  somerset." both give "avon and somerset"."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _strip(key: str, *, suffixes: tuple[str, ...] = (), prefixes: tuple[str, ...] = ()) -> str:
    for suffix in suffixes:
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
            break
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    return key


class _Index:
    """Keys to values, where an earlier (stronger) entry beats a later one and two equally strong
    entries for different values make the key ambiguous, so it resolves to nothing."""

    _AMBIGUOUS = object()

    def __init__(self):
        self._entries: dict[str, tuple[int, object]] = {}

    def add(self, key: str, value, *, strength: int) -> None:
        if not key:
            return
        current = self._entries.get(key)
        if current is None or strength > current[0]:
            self._entries[key] = (strength, value)
        elif strength == current[0] and current[1] is not value:
            self._entries[key] = (strength, self._AMBIGUOUS)

    def get(self, key: str):
        entry = self._entries.get(key)
        if entry is None or entry[1] is self._AMBIGUOUS:
            return None
        return entry[1]


def _name_variants(name: str) -> list[str]:
    """ONS writes "Bristol, City of" and "County Durham"; people write "City of Bristol",
    "Bristol" and "Durham"."""
    key = name_key(name)
    variants = [key]
    for qualifier in ("city of", "county of"):
        if key.endswith(" " + qualifier):
            base = key[: -len(qualifier) - 1]
            variants.append(f"{qualifier} {base}")
            # "London" alone means the whole capital, never the City of London.
            if base != "london":
                variants.append(base)
    if key.startswith("county "):
        variants.append(key.removeprefix("county "))
    return variants


@dataclass(frozen=True)
class _Tables:
    forces: dict[str, PoliceForce]
    force_names: _Index
    local_authorities: dict[str, LocalAuthority]  # every code of any vintage -> current authority
    local_authority_names: _Index
    councils: dict[str, Council]  # district, unitary and upper-tier codes of any vintage
    council_names: _Index
    districts: dict[str, tuple[DistrictShare, ...]]  # largest share first


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    forces = {force.code: force for force in PoliceForce.objects.select_related("region")}
    current = {}
    for authority in LocalAuthority.objects.all():
        authority.police_force = forces[authority.police_force_id]  # so reading it costs no query
        current[authority.gss_code] = authority
    historic = list(LocalAuthorityCode.objects.all())
    local_authorities = dict(current)
    for code in historic:
        local_authorities.setdefault(code.code, current[code.current_id])
    councils = _councils(current, local_authorities)

    la_names, council_names = _Index(), _Index()
    for variant, authority, strength in _authority_names(current, historic):
        la_names.add(variant, authority, strength=strength)
        council_names.add(variant, councils[authority.gss_code], strength=strength)
    for council in councils.values():
        if council.code not in local_authorities:  # upper tier
            for variant in _name_variants(council.name):
                council_names.add(variant, council, strength=3)

    districts: dict[str, list[DistrictShare]] = defaultdict(list)
    for row in PostcodeDistrictShare.objects.all():
        districts[row.district].append(
            DistrictShare(police_force=forces[row.police_force_id], local_authority=current[row.local_authority_id],
                          share=row.share, postcode_count=row.postcode_count)
        )
    return _Tables(
        forces=forces,
        force_names=_force_names(forces),
        local_authorities=local_authorities,
        local_authority_names=la_names,
        councils=councils,
        council_names=council_names,
        districts={
            district: tuple(sorted(shares, key=lambda s: (-s.share, s.local_authority.name)))
            for district, shares in districts.items()
        },
    )


def _force_names(forces: dict[str, PoliceForce]) -> _Index:
    index = _Index()
    for force in forces.values():
        for name in (force.name, force.force_name):
            for variant in _name_variants(name):
                index.add(variant, force, strength=3)
                index.add(_strip(variant, suffixes=_FORCE_SUFFIXES), force, strength=2)
    for alias, code in FORCE_ALIASES.items():
        if code in forces:
            index.add(alias, forces[code], strength=1)
    return index


def _authority_names(current: dict[str, LocalAuthority], historic: list[LocalAuthorityCode]):
    """(name, current authority, strength): today's names beat the names of councils that have
    since merged ("Harrogate" now means North Yorkshire), which beat the short aliases."""
    for authority in current.values():
        for variant in _name_variants(authority.name):
            yield variant, authority, 3
    for code in historic:
        for variant in _name_variants(code.name):
            yield variant, current[code.current_id], 2
    for alias, code in LOCAL_AUTHORITY_ALIASES.items():
        if code in current:
            yield alias, current[code], 1


def _councils(current: dict[str, LocalAuthority], any_vintage: dict[str, LocalAuthority]) -> dict[str, Council]:
    councils = {
        code: Council(code=authority.gss_code, name=authority.name, police_force=authority.police_force,
                      local_authorities=(authority,))
        for code, authority in any_vintage.items()
    }
    by_upper_tier: dict[str, list[LocalAuthority]] = defaultdict(list)
    for authority in current.values():
        if authority.upper_tier_code and authority.upper_tier_code != authority.gss_code:
            by_upper_tier[authority.upper_tier_code].append(authority)
    for code, members in by_upper_tier.items():
        forces = {authority.police_force for authority in members}
        councils[code] = Council(
            code=code, name=members[0].upper_tier_name,
            police_force=forces.pop() if len(forces) == 1 else None,  # every county today is in one force
            local_authorities=tuple(sorted(members, key=lambda authority: authority.name)),
        )
    return councils


def refdata_changed() -> None:
    """Forget the in-memory copy of the reference tables (call after loading them)."""
    _tables.cache_clear()
    _district_verdict.cache_clear()


def _lookup(index: _Index, text: str, *, suffixes: tuple[str, ...], prefixes: tuple[str, ...] = ()):
    key = name_key(text)
    found = index.get(key)
    if found is None:
        stripped = _strip(key, suffixes=suffixes)
        found = index.get(stripped) or index.get(_strip(stripped, prefixes=prefixes))
    return found


def _is_text(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


def find_force(text: str | None) -> PoliceForce | None:
    """A force from its ONS code ("E23000010", "BTP"), ONS area name, force name or a common variant."""
    if not _is_text(text):
        return None
    tables = _tables()
    code = text.strip().upper()
    if code in tables.forces:
        return tables.forces[code]
    return _lookup(tables.force_names, text, suffixes=_FORCE_SUFFIXES, prefixes=("the ",))


def find_local_authority(text: str | None) -> LocalAuthority | None:
    """A current local authority district from a GSS code of any vintage or a council's name.
    Upper-tier county councils ("Kent County Council") are not districts: see find_council."""
    if not _is_text(text):
        return None
    tables = _tables()
    code = text.strip().upper()
    if code in tables.local_authorities:
        return tables.local_authorities[code]
    return _lookup(tables.local_authority_names, text, suffixes=_COUNCIL_SUFFIXES, prefixes=_COUNCIL_PREFIXES)


def find_council(text: str | None) -> Council | None:
    """A district, unitary or upper-tier county council from its code or name ("Kent" -> E10000016)."""
    if not _is_text(text):
        return None
    tables = _tables()
    code = text.strip().upper()
    if code in tables.councils:
        return tables.councils[code]
    return _lookup(tables.council_names, text, suffixes=_COUNCIL_SUFFIXES, prefixes=_COUNCIL_PREFIXES)


def find_area(text: str | None) -> Area | None:
    """A force (code or name) or a local authority (GSS code or name). When a name is both
    ("North Yorkshire"), the force wins: an area written in a return is a force area first."""
    force = find_force(text)
    if force is not None:
        return Area(kind="force", code=force.code, name=force.force_name, police_force=force)
    authority = find_local_authority(text)
    if authority is not None:
        return Area(kind="local_authority", code=authority.gss_code, name=authority.name,
                    police_force=authority.police_force)
    return None


# The whole tables, from memory, for pages and loaders that list them.
def forces() -> list[PoliceForce]:
    """Every force, in name order."""
    return sorted(_tables().forces.values(), key=lambda force: force.name)


def police_force(code: str) -> PoliceForce | None:
    return _tables().forces.get(code)


def local_authorities() -> list[LocalAuthority]:
    """Every current local authority, in name order."""
    tables = _tables()
    current = {a.gss_code: a for a in tables.local_authorities.values()}
    return sorted(current.values(), key=lambda authority: authority.name)


def local_authority(code: str) -> LocalAuthority | None:
    """The current authority for a GSS code of any vintage."""
    return _tables().local_authorities.get(code)


def district_shares(district: str) -> tuple[DistrictShare, ...]:
    """The district's (force, council, share) rows, largest share first."""
    return _tables().districts.get(district, ())


def district_share_table() -> dict[str, tuple[DistrictShare, ...]]:
    return _tables().districts


def _from_district(postcode: str | None, district: str) -> PostcodeLocation:
    force, authority, confidence, shares = _district_verdict(district)
    return PostcodeLocation(postcode=postcode, district=district, police_force=force, local_authority=authority,
                            confidence=confidence, shares=shares)


@lru_cache(maxsize=4096)
def _district_verdict(district: str):
    """(force, local authority, confidence, shares) for a district, worked out once: a return of
    500,000 rows names a few hundred districts, and this is on every row's path."""
    shares = district_shares(district)
    if not shares:
        return None, None, Confidence.UNKNOWN, ()
    by_force: dict[PoliceForce, Decimal] = defaultdict(Decimal)
    for share in shares:
        by_force[share.police_force] += share.share
    force, force_share = max(by_force.items(), key=lambda item: item[1])
    if force_share < CLEAR_MAJORITY:
        return None, None, Confidence.AMBIGUOUS, shares
    # Shares are sorted largest first, so this is the force's main council in the district.
    authority = next(share.local_authority for share in shares if share.police_force == force)
    return force, authority, Confidence.DISTRICT, shares


_INVALID = PostcodeLocation(postcode=None, district=None, police_force=None, local_authority=None,
                            confidence=Confidence.INVALID)
_QUERY_BATCH = 500


def locate_postcodes(texts: Iterable[str], *, canonical: bool = False) -> dict[str, PostcodeLocation]:
    """Where each postcode (or bare district such as "LS1") is, keyed by the text given.
    Full postcodes are looked up in the ONS postcode directory in batches; the rest is in memory.
    canonical=True: every text is a full postcode as normalise_postcode gives it ("LS1 4AP"),
    so none is normalised again (a return's validator has already done it, for every row)."""
    texts = list(dict.fromkeys(texts))
    postcodes = {text: text if canonical else normalise_postcode(text) for text in texts}
    wanted = sorted({postcode for postcode in postcodes.values() if postcode})
    tables = _tables()
    known: dict[str, tuple[str | None, str | None, bool]] = {}
    for start in range(0, len(wanted), _QUERY_BATCH):
        rows = Postcode.objects.filter(postcode__in=wanted[start:start + _QUERY_BATCH]).values_list(
            "postcode", "local_authority_id", "police_force_id", "terminated")
        known.update((postcode, (la, force, terminated)) for postcode, la, force, terminated in rows)
    located = {}
    for text in texts:
        postcode = postcodes[text]
        district = postcode.split(" ")[0] if postcode else postcode_district(text)
        if district is None:
            located[text] = _INVALID
        elif postcode in known and known[postcode][1] is not None:
            la_code, force_code, terminated = known[postcode]
            located[text] = PostcodeLocation(
                postcode=postcode, district=district, police_force=tables.forces[force_code],
                local_authority=tables.local_authorities.get(la_code) if la_code else None,
                confidence=Confidence.EXACT, shares=district_shares(district), terminated=terminated,
            )
        else:
            located[text] = _from_district(postcode, district)
    return located


def locate_postcode(text: str | None) -> PostcodeLocation:
    """Where one postcode is (see locate_postcodes; use that for many)."""
    if not isinstance(text, str):
        return _INVALID
    return locate_postcodes([text])[text]
