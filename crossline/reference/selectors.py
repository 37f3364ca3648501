"""Reads for the geography pages. Reference geography is open data: any verified user may see
all of it, so nothing here is scoped to the user. Everything comes from the in-memory tables
in crossline.reference.lookups, not from a query per force or council."""

import re
from dataclasses import dataclass
from decimal import Decimal

from crossline.reference.lookups import (
    Confidence,
    Council,
    DistrictShare,
    PostcodeLocation,
    district_share_table,
    find_council,
    find_force,
    forces,
    local_authorities,
    locate_postcode,
    police_force,
)
from crossline.reference.models import LocalAuthority, PoliceForce, Region
from crossline.reference.postcodes import postcode_district


@dataclass(frozen=True)
class RegionForces:
    region: Region | None  # None: national forces with no area of their own (British Transport Police)
    forces: list[PoliceForce]


def forces_by_region() -> list[RegionForces]:
    groups: dict[str | None, RegionForces] = {}
    for force in forces():
        group = groups.setdefault(force.region_id, RegionForces(region=force.region, forces=[]))
        group.forces.append(force)
    regional = sorted((g for key, g in groups.items() if key is not None), key=lambda g: g.region.name)
    return regional + ([groups[None]] if None in groups else [])


@dataclass(frozen=True)
class BorderDistrict:
    """A postcode district partly in this force's area and partly in others."""

    district: str
    share: Decimal  # this force's share of the district's postcodes
    shares: tuple[DistrictShare, ...]  # every (force, council, share) in the district


@dataclass(frozen=True)
class ForceArea:
    force: PoliceForce
    local_authorities: list[LocalAuthority]
    border_districts: list[BorderDistrict]


def force_area(code: str) -> ForceArea | None:
    force = police_force(code)
    if force is None:
        return None
    authorities = [authority for authority in local_authorities() if authority.police_force_id == force.code]
    border = []
    for district, shares in sorted(district_share_table().items(), key=lambda item: _district_order(item[0])):
        if len({share.police_force for share in shares}) < 2:
            continue
        share = sum((s.share for s in shares if s.police_force == force), Decimal(0))
        if share:
            border.append(BorderDistrict(district=district, share=share, shares=shares))
    return ForceArea(force=force, local_authorities=authorities, border_districts=border)


def _district_order(district: str) -> tuple[str, int, str]:
    """LS1, LS2, ..., LS10 rather than LS1, LS10, LS2."""
    match = re.match(r"([A-Z]+)([0-9]*)(.*)", district)
    area, number, rest = match.groups() if match else (district, "", "")
    return area, int(number or 0), rest


@dataclass
class PlaceAnswer:
    """What the geography search found for one piece of text."""

    query: str
    location: PostcodeLocation | None = None  # the text was a postcode or postcode district
    force: PoliceForce | None = None
    council: Council | None = None

    @property
    def found(self) -> bool:
        return bool(self.force or self.council or (self.location and self.location.district))


def place_search(text: str) -> PlaceAnswer:
    """Resolve a postcode, postcode district, force or council name or code, for a person to read."""
    answer = PlaceAnswer(query=text)
    if postcode_district(text) is not None:
        answer.location = locate_postcode(text)
        return answer
    answer.force = find_force(text)
    answer.council = find_council(text)
    return answer


def describe_location(location: PostcodeLocation) -> str:
    """One sentence a person can act on: where the postcode is and how sure we are."""
    what = f"Postcode {location.postcode}" if location.postcode else f"Postcode district {location.district}"
    if location.confidence == Confidence.EXACT:
        place = _place(location.police_force, location.local_authority)
        ended = " It is no longer in use (terminated)." if location.terminated else ""
        return f"{what} is in {place} (exact).{ended}"
    if location.confidence == Confidence.DISTRICT:
        place = _place(location.police_force, location.local_authority)
        return f"{what} is in {place} (from district share {format_share(location.force_share)})."
    if location.confidence == Confidence.AMBIGUOUS:
        return (f"{what} could be in more than one force area: district {location.district} crosses a force "
                "boundary and no force has a clear majority of its postcodes. Choose from the shares below.")
    if location.confidence == Confidence.UNKNOWN:
        return f"{what} is a valid postcode, but district {location.district} is not in the reference data."
    return "That is not a postcode."


def _place(force: PoliceForce | None, authority: LocalAuthority | None) -> str:
    place = f"{force.force_name} area" if force else "no known force area"
    return f"{place}, {authority.name}" if authority else place


def format_share(share: Decimal) -> str:
    """A share as a whole percentage, never rounded to a misleading 0% or 100%."""
    if 0 < share < Decimal("0.005"):
        return "under 1%"
    if Decimal("0.995") <= share < 1:
        return "over 99%"
    return f"{share:.0%}"
