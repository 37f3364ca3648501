"""Lines for tasking tests: West Yorkshire and North Yorkshire report the same line (JAY, one deal
number), with a child each force links to it; Merseyside reports another line (DEX) that uses the
same trap house as JAY. Resolved, so each line is one entity."""

from dataclasses import dataclass

import pytest
from django_tasks_db.models import DBTaskResult

from crossline.accounts.roles import Role
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE, make_user
from crossline.linkage.models import Entity
from crossline.linkage.tests.support import entity_of, line, location, person, resolve, submit_return
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import force_organisation
from crossline.reference.models import PoliceForce

MERSEYSIDE = "E23000004"


@pytest.fixture(autouse=True)
def _raw_files_in_a_folder_of_the_test_s_own(settings, tmp_path):
    settings.RAW_FILE_STORE = tmp_path / "raw-files"


@dataclass
class Lines:
    jay: Entity
    dex: Entity
    lonely: Entity  # West Yorkshire's own line nobody else reports


@pytest.fixture
def lines(db) -> Lines:
    trap = location("L-TRAP", "trap_house", "14 Acacia Avenue, Harrogate", "HG1 1AA")
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[
        line("WY-L-1", "JAY", ["07700 900123"]),
        line("WY-L-2", "BOX", ["07700 900555"], importing=("E23000010",)),
    ], people=[person("WY-P-1", "Smith", "Kai", "2010-05-01", factors=("under_18",), line_refs=["WY-L-1"])],
        locations=[{**trap, "location_ref": "WY-LOC-1", "line_refs": ["WY-L-1"]}])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-9", "JAY", ["07700 900123"])],
                  people=[person("NY-P-4", "Smith", "Kai", "2010-05-01", factors=("under_18",), line_refs=["NY-L-9"])])
    submit_return(MERSEYSIDE, "2026-10-31", lines=[line("MY-L-3", "DEX", ["07700 900777"], exporting=MERSEYSIDE)],
                  locations=[{**trap, "location_ref": "MY-LOC-7", "line_refs": ["MY-L-3"]}])
    resolve()
    return Lines(jay=Entity.objects.get(pk=entity_of("line", WEST_YORKSHIRE, "WY-L-1")),
                 dex=Entity.objects.get(pk=entity_of("line", MERSEYSIDE, "MY-L-3")),
                 lonely=Entity.objects.get(pk=entity_of("line", WEST_YORKSHIRE, "WY-L-2")))


@pytest.fixture
def yh_rocu(db) -> Organisation:
    region = PoliceForce.objects.get(pk=WEST_YORKSHIRE).region
    return Organisation.objects.get(kind=OrganisationKind.ROCU, region=region)


@pytest.fixture
def yh_coordinator(yh_rocu):
    return make_user(yh_rocu, Role.COORDINATOR, full_name="Rita Regional")


@pytest.fixture
def merseyside_police(db):
    return force_organisation(MERSEYSIDE)


@pytest.fixture
def my_analyst(merseyside_police):
    return make_user(merseyside_police, Role.ANALYST, full_name="Mo Merseyside")


def run_queued(task) -> int:
    """What `crossline db_worker` does with the runs of `task` waiting in the queue: each, for real."""
    count = 0
    for queued in DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at"):
        queued.task.call(**queued.args_kwargs["kwargs"])
        queued.delete()
        count += 1
    return count


def run_queued_emails() -> int:
    """What `crossline db_worker` does with the e-mails tasking queued."""
    from crossline.tasking.tasks import tasking_notice_email_send

    return run_queued(tasking_notice_email_send)
