"""The shared cast every access rule is tested against (healthchecks' alice/bob/charlie).

Reference geography and the policing organisations are loaded once into the test database, so
tests use the real 43 forces, regions and councils.
"""

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from crossline.accounts.models import RoleGrant, User
from crossline.accounts.roles import Role
from crossline.audit.tests.support import audit_trail_erase_for_tests
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import force_organisation, national_centre
from crossline.organisations.services import organisation_create, organisations_seed_policing
from crossline.reference.models import LocalAuthority, PoliceForce
from crossline.reference.services import refdata_load

WEST_YORKSHIRE = "E23000010"
NORTH_YORKSHIRE = "E23000009"
PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test cast only


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        refdata_load()
        organisations_seed_policing()


@pytest.fixture(scope="session", autouse=True)
def _audit_anchors_kept_apart(tmp_path_factory):
    """Tests never read or append to the anchor file of a real or demo installation."""
    with override_settings(AUDIT_ANCHOR_FILE=tmp_path_factory.mktemp("audit") / "audit-anchors.jsonl"):
        yield


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _transactional_tests_get_reference_data_and_leave_an_empty_trail(request):
    """A transactional test commits for real and ends by emptying every table. pytest-django runs
    these after all others; each one gets the reference data back first, and the append-only
    audit trail is emptied (as a superuser could) before Django's flush, which the triggers refuse."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    if not PoliceForce.objects.exists():
        refdata_load()
        organisations_seed_policing()
    yield
    audit_trail_erase_for_tests()


def make_user(organisation, *roles, username=None, full_name=None, mfa=True, password=PASSWORD) -> User:
    username = username or f"{'-'.join(roles) or 'nobody'}@{organisation.slug}.example"
    user = User.objects.create_user(
        username=username, email=username, password=password,
        full_name=full_name or username.split("@")[0].replace("-", " ").title(), organisation=organisation,
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    if mfa:
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def sign_in(client, user, *, verified: bool = True):
    """Sign `user` in on the test client; `verified` also completes the MFA step."""
    client.force_login(user, backend="crossline.accounts.backends.RoleBackend")
    session = client.session
    now = timezone.now().isoformat()
    session["auth_time"] = now
    session["last_seen"] = now
    if verified:
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session["verified_at"] = now
    session.save()
    return client


@pytest.fixture
def west_yorkshire_police(db):
    return force_organisation(WEST_YORKSHIRE)


@pytest.fixture
def north_yorkshire_police(db):
    return force_organisation(NORTH_YORKSHIRE)


@pytest.fixture
def leeds_council(db):
    return organisation_create(name="Leeds City Council", kind=OrganisationKind.LOCAL_AUTHORITY,
                               local_authority=LocalAuthority.objects.get(gss_code="E08000035"))


@pytest.fixture
def nhs_trust(db):
    return organisation_create(name="Leeds Community Healthcare NHS Trust", kind=OrganisationKind.NHS_BODY)


@pytest.fixture
def west_yorkshire_pcc(db):
    return organisation_create(name="Office of the West Yorkshire Mayor (Policing and Crime)",
                               kind=OrganisationKind.PCC_OFFICE,
                               police_force=PoliceForce.objects.get(code=WEST_YORKSHIRE))


@pytest.fixture
def wy_analyst(west_yorkshire_police):
    return make_user(west_yorkshire_police, Role.ANALYST, full_name="Alice Analyst")


@pytest.fixture
def wy_submitter(west_yorkshire_police):
    return make_user(west_yorkshire_police, Role.SUBMITTER, full_name="Sam Submitter")


@pytest.fixture
def wy_admin(west_yorkshire_police):
    return make_user(west_yorkshire_police, Role.ORGANISATION_ADMIN, full_name="Wendy Admin")


@pytest.fixture
def wy_auditor(west_yorkshire_police):
    return make_user(west_yorkshire_police, Role.AUDITOR, full_name="Pat Standards")


@pytest.fixture
def ny_analyst(north_yorkshire_police):
    return make_user(north_yorkshire_police, Role.ANALYST, full_name="Bob Analyst")


@pytest.fixture
def ny_admin(north_yorkshire_police):
    return make_user(north_yorkshire_police, Role.ORGANISATION_ADMIN, full_name="Nina Admin")


@pytest.fixture
def council_officer(leeds_council):
    return make_user(leeds_council, Role.SAFEGUARDING_OFFICER, full_name="Charlie Council")


@pytest.fixture
def nhs_lead(nhs_trust):
    return make_user(nhs_trust, Role.SAFEGUARDING_OFFICER, full_name="Nadia Nurse")


@pytest.fixture
def national_coordinator(db):
    return make_user(national_centre(), Role.COORDINATOR, full_name="Nat Coordinator")


@pytest.fixture
def pcc_viewer(west_yorkshire_pcc):
    return make_user(west_yorkshire_pcc, Role.OVERSIGHT_VIEWER, full_name="Olive Oversight")


@pytest.fixture
def outsider(db):
    """Signed in, MFA done, but in an organisation with no roles: may reach almost nothing."""
    org = Organisation.objects.create(name="Somewhere Else", slug="somewhere-else", kind=OrganisationKind.EDUCATION)
    return make_user(org, full_name="Oscar Outsider")


@pytest.fixture
def system_admin(db):
    user = User.objects.create_superuser(username="root@crossline.example", email="root@crossline.example",
                                         password=PASSWORD, full_name="System Admin")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user
