"""Roles and what they allow. A permission is granted only when the user's role grants it AND
their organisation's kind may hold it: a council user made "analyst" by mistake still cannot
reach police intelligence. Both tables are code, reviewed like code, not data edited at run time.
"""

from django.db import models

from crossline.organisations.models import OrganisationKind as K


class Role(models.TextChoices):
    SUBMITTER = "submitter", "Submitter"
    ANALYST = "analyst", "Analyst"
    COORDINATOR = "coordinator", "Co-ordinator"
    SAFEGUARDING_OFFICER = "safeguarding_officer", "Safeguarding officer"
    PARTNER_VIEWER = "partner_viewer", "Partner viewer"
    OVERSIGHT_VIEWER = "oversight_viewer", "Oversight viewer"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    AUDITOR = "auditor", "Auditor"


ROLE_DESCRIPTIONS = {
    Role.SUBMITTER: "Submits the force's national returns and sees their results.",
    Role.ANALYST: "Reads intelligence, reviews matches and works taskings.",
    Role.COORDINATOR: "Sets regional and national priorities and tasks work to owners.",
    Role.SAFEGUARDING_OFFICER: "Makes and acknowledges placement notifications; sees safeguarding detail.",
    Role.PARTNER_VIEWER: "Sees what information-sharing agreements allow.",
    Role.OVERSIGHT_VIEWER: "Sees aggregate figures only, never personal data.",
    Role.ORGANISATION_ADMIN: "Invites, suspends and changes the roles of the organisation's users.",
    Role.AUDITOR: "Searches the audit trail (professional standards, data protection officer).",
}

P = "crossline."
SUBMIT_RETURN = P + "submit_return"
VIEW_RETURNS = P + "view_returns"
VIEW_NATIONAL_RETURNS = P + "view_national_returns"
VIEW_PERSONAL_DATA = P + "view_personal_data"
VIEW_COMPLIANCE = P + "view_compliance"
VIEW_NATIONAL_COMPLIANCE = P + "view_national_compliance"
REVIEW_MATCHES = P + "review_matches"
COORDINATE_TASKING = P + "coordinate_tasking"
RESPOND_TO_TASKING = P + "respond_to_tasking"
CREATE_PLACEMENT = P + "create_placement"
ACKNOWLEDGE_PLACEMENT = P + "acknowledge_placement"
VIEW_AGGREGATES = P + "view_aggregates"
MANAGE_USERS = P + "manage_users"
MANAGE_MACHINE_CLIENTS = P + "manage_machine_clients"
SEARCH_AUDIT = P + "search_audit"
# A force's results for an intensification week: its submitters and its intelligence analysts,
# who hold the figures, send them; nobody outside police forces and ROCUs may.
SUBMIT_INTENSIFICATION_RESULTS = P + "submit_intensification_results"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUBMITTER: frozenset(
        {SUBMIT_RETURN, VIEW_RETURNS, VIEW_PERSONAL_DATA, VIEW_COMPLIANCE, SUBMIT_INTENSIFICATION_RESULTS}
    ),
    Role.ANALYST: frozenset(
        {VIEW_RETURNS, VIEW_PERSONAL_DATA, VIEW_COMPLIANCE, REVIEW_MATCHES, RESPOND_TO_TASKING,
         ACKNOWLEDGE_PLACEMENT, SUBMIT_INTENSIFICATION_RESULTS}
    ),
    Role.COORDINATOR: frozenset(
        {VIEW_RETURNS, VIEW_NATIONAL_RETURNS, VIEW_PERSONAL_DATA, VIEW_COMPLIANCE, VIEW_NATIONAL_COMPLIANCE,
         REVIEW_MATCHES, COORDINATE_TASKING, VIEW_AGGREGATES}
    ),
    Role.SAFEGUARDING_OFFICER: frozenset({VIEW_PERSONAL_DATA, CREATE_PLACEMENT, ACKNOWLEDGE_PLACEMENT}),
    Role.PARTNER_VIEWER: frozenset({VIEW_PERSONAL_DATA}),
    Role.OVERSIGHT_VIEWER: frozenset({VIEW_AGGREGATES}),
    Role.ORGANISATION_ADMIN: frozenset({MANAGE_USERS, MANAGE_MACHINE_CLIENTS}),
    Role.AUDITOR: frozenset({SEARCH_AUDIT}),
}

_LAW_ENFORCEMENT = frozenset(
    {SUBMIT_RETURN, VIEW_RETURNS, VIEW_PERSONAL_DATA, VIEW_COMPLIANCE, REVIEW_MATCHES, RESPOND_TO_TASKING,
     ACKNOWLEDGE_PLACEMENT, MANAGE_USERS, MANAGE_MACHINE_CLIENTS, SEARCH_AUDIT}
)
_PARTNER = frozenset({VIEW_PERSONAL_DATA, MANAGE_USERS, MANAGE_MACHINE_CLIENTS, SEARCH_AUDIT})

KIND_PERMISSIONS: dict[str, frozenset[str]] = {
    K.POLICE_FORCE: _LAW_ENFORCEMENT | {SUBMIT_INTENSIFICATION_RESULTS},
    K.ROCU: _LAW_ENFORCEMENT
    | {VIEW_NATIONAL_COMPLIANCE, COORDINATE_TASKING, VIEW_AGGREGATES, SUBMIT_INTENSIFICATION_RESULTS},
    K.NATIONAL_CENTRE: _LAW_ENFORCEMENT
    | {VIEW_NATIONAL_RETURNS, VIEW_NATIONAL_COMPLIANCE, COORDINATE_TASKING, VIEW_AGGREGATES, ACKNOWLEDGE_PLACEMENT},
    K.LOCAL_AUTHORITY: _PARTNER | {CREATE_PLACEMENT},
    K.NHS_BODY: _PARTNER,
    K.EDUCATION: _PARTNER,
    K.YOUTH_JUSTICE: _PARTNER,
    K.VIOLENCE_REDUCTION_UNIT: _PARTNER | {VIEW_AGGREGATES},
    # PCC offices hold the force to account on figures: aggregates only, never personal data.
    K.PCC_OFFICE: frozenset({VIEW_AGGREGATES, MANAGE_USERS}),
}


_ADMIN_ROLES = (Role.ORGANISATION_ADMIN, Role.AUDITOR)
_PARTNER_ROLES = (Role.SAFEGUARDING_OFFICER, Role.PARTNER_VIEWER, *_ADMIN_ROLES)

# The roles an organisation of each kind may give its people.
KIND_ROLES: dict[str, tuple[str, ...]] = {
    K.POLICE_FORCE: (Role.SUBMITTER, Role.ANALYST, Role.SAFEGUARDING_OFFICER, *_ADMIN_ROLES),
    K.ROCU: (Role.SUBMITTER, Role.ANALYST, Role.COORDINATOR, *_ADMIN_ROLES),
    K.NATIONAL_CENTRE: (Role.ANALYST, Role.COORDINATOR, *_ADMIN_ROLES),
    K.LOCAL_AUTHORITY: _PARTNER_ROLES,
    K.NHS_BODY: _PARTNER_ROLES,
    K.EDUCATION: _PARTNER_ROLES,
    K.YOUTH_JUSTICE: _PARTNER_ROLES,
    K.VIOLENCE_REDUCTION_UNIT: (Role.PARTNER_VIEWER, Role.OVERSIGHT_VIEWER, *_ADMIN_ROLES),
    K.PCC_OFFICE: (Role.OVERSIGHT_VIEWER, Role.ORGANISATION_ADMIN),
}


def roles_allowed_for(kind: str) -> list[str]:
    return list(KIND_ROLES.get(kind, ()))


def permissions_for(*, roles, kind: str) -> frozenset[str]:
    """A role counts only where the organisation's kind may hold it, and then only for what the kind allows."""
    allowed_roles = KIND_ROLES.get(kind, ())
    granted: set[str] = set()
    for role in roles:
        if role in allowed_roles:
            granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted & KIND_PERMISSIONS.get(kind, frozenset()))
