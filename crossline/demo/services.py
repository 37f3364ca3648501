"""The demonstration cast: one person per kind of user, across organisations.

Refused in production: demo users share a published password and authenticator key.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from crossline.accounts.models import RoleGrant, User
from crossline.accounts.roles import Role
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import force_organisation, national_centre
from crossline.reference.models import LocalAuthority, PoliceForce

DEMO_PASSWORD = "crossline demo password 2026"  # noqa: S105  # nosec B105 - published on purpose, demo only
# One authenticator key for every demo user, so a person trying the demo adds it to an app once.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_KEY_BASE32 = base64.b32encode(binascii.unhexlify(DEMO_TOTP_KEY_HEX)).decode()


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    organisation: str  # slug, created below where not a policing organisation
    roles: tuple[str, ...]
    job_title: str


PARTNER_ORGANISATIONS = [
    # (slug, name, kind, local authority GSS code or None, force code or None)
    ("leeds-city-council", "Leeds City Council", OrganisationKind.LOCAL_AUTHORITY, "E08000035", None),
    ("liverpool-city-council", "Liverpool City Council", OrganisationKind.LOCAL_AUTHORITY, "E08000012", None),
    ("north-yorkshire-council", "North Yorkshire Council", OrganisationKind.LOCAL_AUTHORITY, "E06000065", None),
    ("leeds-nhs", "Leeds Teaching Hospitals NHS Trust", OrganisationKind.NHS_BODY, None, None),
    ("leeds-yjs", "Leeds Youth Justice Service", OrganisationKind.YOUTH_JUSTICE, "E08000035", None),
    ("wy-vru", "West Yorkshire Violence Reduction Unit", OrganisationKind.VIOLENCE_REDUCTION_UNIT, None, "E23000010"),
    ("wy-pcc", "West Yorkshire Mayor's Policing and Crime Office", OrganisationKind.PCC_OFFICE, None, "E23000010"),
]

CAST = [
    DemoPerson("analyst@westyorkshire.demo", "Alex Morgan", "force:E23000010", (Role.ANALYST,),
               "Intelligence analyst, Force Intelligence Bureau"),
    DemoPerson("submitter@westyorkshire.demo", "Sam Patel", "force:E23000010", (Role.SUBMITTER,),
               "Intelligence officer, returns"),
    DemoPerson("admin@westyorkshire.demo", "Wendy Clarke", "force:E23000010", (Role.ORGANISATION_ADMIN,),
               "Systems administrator"),
    DemoPerson("auditor@westyorkshire.demo", "Priya Shah", "force:E23000010", (Role.AUDITOR,),
               "Professional Standards Department"),
    DemoPerson("analyst@northyorkshire.demo", "Ben Foster", "force:E23000009", (Role.ANALYST, Role.SUBMITTER),
               "Intelligence analyst"),
    DemoPerson("analyst@merseyside.demo", "Kerry Doyle", "force:E23000004", (Role.ANALYST, Role.SUBMITTER),
               "Intelligence analyst"),
    DemoPerson("coordinator@nclcc.demo", "Nat Okafor", "nclcc", (Role.COORDINATOR, Role.ANALYST),
               "National co-ordinator, NCLCC"),
    DemoPerson("coordinator@yhrocu.demo", "Rachel Hughes", "rocu-yh", (Role.COORDINATOR,),
               "Regional co-ordinator, Yorkshire and the Humber"),
    DemoPerson("safeguarding@leeds.demo", "Chris Lewis", "leeds-city-council", (Role.SAFEGUARDING_OFFICER,),
               "Children's services, placements"),
    DemoPerson("safeguarding@nhs.demo", "Nadia Rahman", "leeds-nhs", (Role.SAFEGUARDING_OFFICER,),
               "Named nurse, safeguarding children"),
    DemoPerson("pcc@westyorkshire.demo", "Olivia Grant", "wy-pcc", (Role.OVERSIGHT_VIEWER,),
               "Policy officer, Policing and Crime"),
]


def _refuse_in_production():
    if settings.PRODUCTION or not settings.CROSSLINE_DEMO:
        raise ImproperlyConfigured("Demo users exist only in a demonstration (CROSSLINE_DEMO=1, not production).")


def _organisation(key: str) -> Organisation:
    if key.startswith("force:"):
        return force_organisation(key.split(":", 1)[1])
    if key == "nclcc":
        return national_centre()
    return Organisation.objects.get(slug=key)


@transaction.atomic
def demo_users_load() -> list[User]:
    _refuse_in_production()
    for slug, name, kind, la_code, force_code in PARTNER_ORGANISATIONS:
        Organisation.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind,
                      "local_authority": LocalAuthority.objects.filter(gss_code=la_code).first() if la_code else None,
                      "police_force": PoliceForce.objects.filter(code=force_code).first() if force_code else None},
        )
    users = []
    for person in CAST:
        user, _ = User.objects.update_or_create(
            username=person.email,
            defaults={"email": person.email, "full_name": person.full_name, "job_title": person.job_title,
                      "organisation": _organisation(person.organisation), "is_active": True},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        RoleGrant.objects.filter(user=user).exclude(role__in=person.roles).delete()
        for role in person.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        TOTPDevice.objects.update_or_create(
            user=user, name="Demo authenticator",
            defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True, "last_t": -1},
        )
        users.append(user)
    return users


def demo_mfa_code() -> str:
    """The code the demo authenticator shows now (all demo users share the key)."""
    _refuse_in_production()
    totp = TOTP(binascii.unhexlify(DEMO_TOTP_KEY_HEX), step=30, digits=6)
    return f"{totp.token():06d}"
