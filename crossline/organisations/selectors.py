from django.db.models import Prefetch

from crossline.accounts.models import MachineClient, RoleGrant, User
from crossline.organisations.models import Organisation, OrganisationKind


def force_organisation(code: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.POLICE_FORCE, police_force_id=code)


def national_centre() -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.NATIONAL_CENTRE)


def users_visible_to(*, user: User):
    """A person sees the accounts of their own organisation only; anyone else's is not found."""
    if user.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(organisation_id=user.organisation_id)
        .select_related("organisation")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("full_name")
    )


def machine_clients_visible_to(*, user: User):
    if user.organisation_id is None:
        return MachineClient.objects.none()
    return MachineClient.objects.filter(organisation_id=user.organisation_id).order_by("-created_at")
