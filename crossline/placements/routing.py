"""Who is told about a placement: decided from the placement postcode and the placing council.

The host force is the force whose area holds the postcode: exact where the ONS postcode directory
is loaded, from the district's shares otherwise. Where the district spans forces and none holds a
clear majority, the placing officer confirms which of them it is; without that, or for a postcode
the reference data does not know, the notification goes to the national triage desk. Routing is
total: every postcode gives a host force organisation or the triage desk, never neither.
"""

from dataclasses import dataclass

from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.lookups import Confidence, PostcodeLocation, locate_postcode
from crossline.reference.models import LocalAuthority, PoliceForce


@dataclass(frozen=True)
class Route:
    location: PostcodeLocation
    host_force: PoliceForce | None
    host_local_authority: LocalAuthority | None
    confirmed_by_placer: bool
    host_force_organisation: Organisation | None  # None: the triage desk
    reason: str  # why it goes where it goes, for the timeline

    @property
    def to_triage(self) -> bool:
        return self.host_force_organisation is None


def forces_to_confirm(location: PostcodeLocation) -> list[PoliceForce]:
    """The forces a placing officer chooses between when a postcode's district spans forces."""
    if location.confidence != Confidence.AMBIGUOUS:
        return []
    by_code = {}
    for share in location.shares:
        by_code.setdefault(share.police_force.code, share.police_force)
    return list(by_code.values())


def force_organisation_for(force: PoliceForce | None) -> Organisation | None:
    if force is None:
        return None
    return Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE, police_force=force,
                                       is_active=True).first()


def council_organisation_for(authority: LocalAuthority | None) -> Organisation | None:
    """The council on Crossline for a local authority: its own organisation or, in a two-tier
    area, the county council's (children's services sit with the county)."""
    if authority is None:
        return None
    councils = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, is_active=True)
    own = councils.filter(local_authority=authority).first()
    if own is not None or not authority.upper_tier_code or authority.upper_tier_code == authority.gss_code:
        return own
    county = list(councils.filter(local_authority__upper_tier_code=authority.upper_tier_code)[:2])
    return county[0] if len(county) == 1 else None


def home_force_of(council: Organisation) -> PoliceForce | None:
    if council.local_authority_id is not None:
        return council.local_authority.police_force
    return council.police_force


def route_placement(postcode: str, *, confirmed_force_code: str | None = None) -> Route:
    location = locate_postcode(postcode)
    force, authority, confirmed = location.police_force, location.local_authority, False
    if location.confidence == Confidence.AMBIGUOUS and confirmed_force_code:
        candidates = {candidate.code: candidate for candidate in forces_to_confirm(location)}
        force = candidates.get(confirmed_force_code)
        if force is not None:
            confirmed = True
            # The force's largest council in the district (shares are sorted largest first).
            authority = next(share.local_authority for share in location.shares if share.police_force == force)
    organisation = force_organisation_for(force)
    return Route(location=location, host_force=force, host_local_authority=authority, confirmed_by_placer=confirmed,
                 host_force_organisation=organisation, reason=_reason(location, force, organisation, confirmed))


def _reason(location: PostcodeLocation, force, organisation, confirmed: bool) -> str:
    if organisation is not None:
        if confirmed:
            return f"The placing officer confirmed {force.force_name}: {location.district} spans more than one force."
        if location.confidence == Confidence.EXACT:
            return f"{location.postcode} is in {force.force_name}'s area (ONS postcode directory)."
        return (f"{location.district} is in {force.force_name}'s area "
                f"({_percent(location.force_share)} of the district's postcodes).")
    if force is not None:
        return f"{force.force_name} does not use Crossline yet: the national triage desk will pass it on."
    if location.confidence == Confidence.AMBIGUOUS:
        return f"{location.district} spans more than one force and none was confirmed."
    if location.confidence == Confidence.UNKNOWN:
        return f"{location.district or 'The postcode'} is not a district Crossline knows in England and Wales."
    return "The postcode could not be placed in a force area."


def _percent(share) -> str:
    return "all" if share is None or share >= 1 else f"{share * 100:.0f}%"
