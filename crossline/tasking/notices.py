"""Telling people about taskings: a notice in the service (the one inbox every user has, shown on
the home page) and an e-mail queued for the background worker.

Both are written in the caller's transaction: the task queue lives in the same database, so it is
the outbox (crossline/compliance does the same). A notice that rolls back never sends its e-mail;
a worker that dies after the commit finds the queued e-mail still there. E-mails carry a title
and a link only: the text, which may name lines and organisations, stays in the service.
"""

from crossline.accounts.models import User
from crossline.accounts.roles import KIND_PERMISSIONS, KIND_ROLES, ROLE_PERMISSIONS
from crossline.compliance.models import Notice
from crossline.organisations.models import Organisation


def people_who_may(*, organisation: Organisation, permission: str) -> list[User]:
    """The organisation's active people whose roles give `permission` (as its kind allows)."""
    if permission not in KIND_PERMISSIONS.get(organisation.kind, frozenset()):
        return []
    roles = {role for role in KIND_ROLES.get(organisation.kind, ())
             if permission in ROLE_PERMISSIONS.get(role, frozenset())}
    return list(User.objects.filter(organisation=organisation, is_active=True, suspended_at__isnull=True,
                                    role_grants__role__in=roles).distinct().order_by("email"))


def notify(*, organisation: Organisation, permission: str, title: str, text: str, link: str, now) -> int:
    """A notice for each person at `organisation` who may act on it, each with a queued e-mail;
    with nobody yet, one notice for the organisation (whoever joins sees it). Returns how many
    people were told."""
    from crossline.tasking.tasks import tasking_notice_email_send

    people = people_who_may(organisation=organisation, permission=permission)
    for person in people:
        notice = Notice.objects.create(recipient_user=person, title=title[:120], text=text, link=link, created_at=now)
        if person.email:
            tasking_notice_email_send.enqueue(notice_id=notice.pk)
    if not people:
        Notice.objects.create(recipient_organisation=organisation, title=title[:120], text=text, link=link,
                              created_at=now)
    return len(people)


def long_date(day) -> str:
    """GOV.UK style: 5 October 2026 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"
