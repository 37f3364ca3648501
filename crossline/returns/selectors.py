"""Reads of returns and their records, scoped to who is asking (AC-02).

A police force's people see their own force's returns; a ROCU's people see the returns of the
forces in its region; the national centre (`view_national_returns`) sees every return. Partners
see none: what reaches them goes through information-sharing features, not these tables.
Records of people, lines and places also need `view_personal_data`.
"""

from django.db.models import QuerySet

from crossline.accounts.roles import SUBMIT_RETURN, VIEW_NATIONAL_RETURNS, VIEW_PERSONAL_DATA, VIEW_RETURNS
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce
from crossline.returns.models import (
    Event,
    Line,
    Location,
    NationalReturn,
    Person,
    PhoneNumber,
    RecordLink,
    Submission,
    SubmissionIssue,
    Vehicle,
)


def forces_submittable_by(*, organisation: Organisation) -> QuerySet[PoliceForce]:
    """The forces an organisation may submit returns for: a force (BTP included) for itself, a
    ROCU for the forces of its region, anyone else for none."""
    if organisation.kind == OrganisationKind.POLICE_FORCE and organisation.police_force_id:
        return PoliceForce.objects.filter(pk=organisation.police_force_id)
    if organisation.kind == OrganisationKind.ROCU and organisation.region_id:
        return PoliceForce.objects.filter(region_id=organisation.region_id)
    return PoliceForce.objects.none()


def _organisation(user) -> Organisation | None:
    return getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None


def forces_visible_to(*, user) -> QuerySet[PoliceForce] | None:
    """The forces whose returns `user` may read; None means every force."""
    organisation = _organisation(user)
    if organisation is None or not user.has_perm(VIEW_RETURNS):
        return PoliceForce.objects.none()
    if user.has_perm(VIEW_NATIONAL_RETURNS):
        return None
    if organisation.kind in (OrganisationKind.POLICE_FORCE, OrganisationKind.ROCU):
        return forces_submittable_by(organisation=organisation)
    return PoliceForce.objects.none()


def returns_visible_to(*, user) -> QuerySet[NationalReturn]:
    """Every version, current or superseded (history is readable), newest period first."""
    forces = forces_visible_to(user=user)
    returns = NationalReturn.objects.select_related("force", "submission", "supersedes")
    if forces is not None:
        returns = returns.filter(force__in=forces)
    return returns.order_by("force__name", "-period_start", "-version")


def current_returns_visible_to(*, user) -> QuerySet[NationalReturn]:
    return returns_visible_to(user=user).filter(is_current=True)


def submissions_visible_to(*, user) -> QuerySet[Submission]:
    """An organisation's own attempts (its submitters and machine clients); the national centre's
    people see every organisation's."""
    organisation = _organisation(user)
    if organisation is None or not (user.has_perm(VIEW_RETURNS) or user.has_perm(SUBMIT_RETURN)):
        return Submission.objects.none()
    submissions = Submission.objects.select_related("organisation", "submitted_by", "machine_client",
                                                    "national_return__force", "force")
    if not user.has_perm(VIEW_NATIONAL_RETURNS):
        submissions = submissions.filter(organisation=organisation)
    return submissions.order_by("-received_at", "-id")


def issues_visible_to(*, user, submission: Submission) -> QuerySet[SubmissionIssue]:
    """A submission's error report; a submission `user` cannot see has none to show."""
    if not submissions_visible_to(user=user).filter(pk=submission.pk).exists():
        return SubmissionIssue.objects.none()
    return SubmissionIssue.objects.filter(submission=submission).order_by("id")


def _records_visible_to(model, *, user, current_only: bool):
    if not user.has_perm(VIEW_PERSONAL_DATA):
        return model.objects.none()
    returns = current_returns_visible_to(user=user) if current_only else returns_visible_to(user=user)
    return model.objects.filter(national_return__in=returns.values("pk"))


def lines_visible_to(*, user, current_only: bool = True) -> QuerySet[Line]:
    return _records_visible_to(Line, user=user, current_only=current_only).select_related("exporting_force")


def people_visible_to(*, user, current_only: bool = True) -> QuerySet[Person]:
    return _records_visible_to(Person, user=user, current_only=current_only)


def locations_visible_to(*, user, current_only: bool = True) -> QuerySet[Location]:
    return _records_visible_to(Location, user=user, current_only=current_only)


def vehicles_visible_to(*, user, current_only: bool = True) -> QuerySet[Vehicle]:
    return _records_visible_to(Vehicle, user=user, current_only=current_only)


def events_visible_to(*, user, current_only: bool = True) -> QuerySet[Event]:
    return _records_visible_to(Event, user=user, current_only=current_only)


def phone_numbers_visible_to(*, user, current_only: bool = True) -> QuerySet[PhoneNumber]:
    return _records_visible_to(PhoneNumber, user=user, current_only=current_only)


def record_links_visible_to(*, user, current_only: bool = True) -> QuerySet[RecordLink]:
    return _records_visible_to(RecordLink, user=user, current_only=current_only)


def return_history(*, user, national_return: NationalReturn) -> QuerySet[NationalReturn]:
    """Every version of the same force's return for the same period, newest first."""
    return returns_visible_to(user=user).filter(
        force_id=national_return.force_id, period_start=national_return.period_start,
        period_end=national_return.period_end,
    ).order_by("-version")
