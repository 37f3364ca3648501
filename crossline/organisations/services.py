"""Writes to organisations. Users of an organisation are managed in crossline.accounts.services."""

from django.db import transaction
from django.utils.text import slugify

from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce, Region

NATIONAL_CENTRE_NAME = "National County Lines Co-ordination Centre"


@transaction.atomic
def organisations_seed_policing() -> int:
    """Create the policing organisations every deployment has: each force (43 territorial and
    British Transport Police), each ROCU, and the NCA's National County Lines Co-ordination Centre.
    Idempotent; returns how many exist afterwards."""
    for force in PoliceForce.objects.all():
        Organisation.objects.update_or_create(
            police_force=force,
            kind=OrganisationKind.POLICE_FORCE,
            defaults={"name": force.force_name, "slug": slugify(force.force_name)[:80]},
        )
    for region in Region.objects.exclude(rocu_name__startswith="(no ROCU"):
        name = region.rocu_name.split(" (")[0]
        Organisation.objects.update_or_create(
            region=region,
            kind=OrganisationKind.ROCU,
            defaults={"name": f"{name} ({region.name} ROCU)", "slug": slugify(f"rocu-{region.key}")},
        )
    Organisation.objects.update_or_create(
        kind=OrganisationKind.NATIONAL_CENTRE,
        slug="nclcc",
        defaults={"name": NATIONAL_CENTRE_NAME},
    )
    return Organisation.objects.count()


@transaction.atomic
def organisation_create(*, name: str, kind: str, police_force=None, local_authority=None, region=None,
                        slug: str | None = None) -> Organisation:
    return Organisation.objects.create(
        name=name,
        kind=kind,
        slug=slug or slugify(name)[:80],
        police_force=police_force,
        local_authority=local_authority,
        region=region,
    )
