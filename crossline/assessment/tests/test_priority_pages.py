"""The priority pages: who sees which lines, the profile's explanation, exports and the audit trail."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crossline.accounts.roles import Role
from crossline.assessment.models import LineAssessment
from crossline.assessment.selectors import line_history, priority_lines, score_changes_since
from crossline.assessment.services import assess_lines
from crossline.assessment.tests.support import event, line, location, person, submit
from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE, make_user, sign_in
from crossline.linkage.tests.support import entity_of, resolve, signed_in_with_purpose
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db
MERSEYSIDE = "E23000004"
STREETS = [("Harehills Lane", "LS8 3PL"), ("Roundhay Road", "LS7 1AB"), ("Kirkstall Road", "LS4 2QD"),
           ("Tong Road", "LS12 4NQ"), ("York Road", "LS9 6NH")]


@pytest.fixture
def lines():
    """West Yorkshire: CASEY, run by one looked-after child. North Yorkshire: BIGLINE, twelve
    adults and five trap houses, supplying three forces. Merseyside: SCOUSE into West Yorkshire,
    reported only by Merseyside."""
    submit(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "=CASEY", ["07700 900111"])], people=[
        person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18", "looked_after"),
               looked_after_by="E08000035", line_refs=["WY-L-1"])],
        events=[event("WY-E-1", "missing_episode", "2026-10-20", person_refs=["WY-P-1"])])
    submit(NORTH_YORKSHIRE, "2026-10-31", lines=[line(
        "NY-L-2", "BIGLINE", ["07700 900222"], exporting=NORTH_YORKSHIRE, importing=(WEST_YORKSHIRE, MERSEYSIDE, "E23000003"),
        drugs=["crack_cocaine", "heroin", "cannabis"])],
        people=[person(f"NY-P-{n}", f"Adult{n}", "Sam", f"198{n % 10}-02-0{1 + n % 9}", line_refs=["NY-L-2"])
                for n in range(12)],
        locations=[location(f"NY-A-{n}", "trap_house", f"{n} {street}, Leeds", postcode, line_refs=["NY-L-2"])
                   for n, (street, postcode) in enumerate(STREETS, start=1)])
    submit(MERSEYSIDE, "2026-10-31", lines=[line("MS-L-1", "SCOUSE", ["07700 900333"], exporting=MERSEYSIDE,
                                                 importing=(WEST_YORKSHIRE,))])
    resolve()
    assess_lines()
    return {"casey": entity_of("line", WEST_YORKSHIRE, "WY-L-1"), "big": entity_of("line", NORTH_YORKSHIRE, "NY-L-2"),
            "scouse": entity_of("line", MERSEYSIDE, "MS-L-1")}


@pytest.fixture
def rocu_coordinator(db):
    region = PoliceForce.objects.get(pk=WEST_YORKSHIRE).region_id
    rocu = Organisation.objects.get(kind=OrganisationKind.ROCU, region_id=region)
    return make_user(rocu, Role.COORDINATOR, full_name="Rachel Regional")


def test_the_national_list_puts_the_small_child_line_first(client, national_coordinator, lines):
    signed_in_with_purpose(client, national_coordinator)
    page = client.get(reverse("assessment:priorities"))
    assert page.status_code == 200
    ranked = [item["row"].entity_id for item in page.context["rows"]]
    assert ranked[0] == lines["casey"] and set(ranked) == set(lines.values())
    body = page.content.decode()
    assert "=CASEY" in body and "Exploits 1 child" in body
    viewed = AuditEvent.objects.filter(action="view", object_type="linkage.Entity").latest("id")
    assert sorted(viewed.object_refs) == sorted(str(pk) for pk in lines.values())
    assert viewed.purpose_code == "intelligence_development"
    # Its page says where it stands, and above which larger lines.
    profile = client.get(reverse("assessment:line", args=[lines["casey"]]))
    assert profile.context["standing"] == [
        "It ranks 1st of the 3 lines you may see.",
        "It ranks above 2 lines exploiting no child, 1 of them with more people involved than its 1."]


def test_filters_by_band_and_force(client, national_coordinator, lines):
    signed_in_with_purpose(client, national_coordinator)
    page = client.get(reverse("assessment:priorities"), {"force": MERSEYSIDE})
    assert {item["row"].entity_id for item in page.context["rows"]} == {lines["big"], lines["scouse"]}
    casey = LineAssessment.objects.get(entity_id=lines["casey"], is_latest=True)
    page = client.get(reverse("assessment:priorities"), {"band": casey.band})
    assert lines["casey"] in {item["row"].entity_id for item in page.context["rows"]}
    assert all(item["row"].band == casey.band for item in page.context["rows"])


def test_a_rocu_sees_its_region_s_lines_through_its_region_s_records(client, rocu_coordinator, lines):
    signed_in_with_purpose(client, rocu_coordinator)
    page = client.get(reverse("assessment:priorities"))
    assert page.context["region"].pk == PoliceForce.objects.get(pk=WEST_YORKSHIRE).region_id
    # SCOUSE supplies West Yorkshire, but only Merseyside (another region) reports it.
    assert {item["row"].entity_id for item in page.context["rows"]} == {lines["casey"], lines["big"]}


@pytest.mark.parametrize("who", ["wy_analyst", "pcc_viewer", "council_officer", "outsider"])
def test_only_co_ordinators_see_the_priority_lists(client, who, request, lines):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(reverse("assessment:priorities")).status_code == 403
    assert client.get(reverse("assessment:export", args=["csv"])).status_code == 403


@pytest.mark.parametrize("who", ["pcc_viewer", "council_officer", "nhs_lead", "outsider"])
def test_no_personal_data_for_pcc_offices_or_partners(client, who, request, lines):
    user = request.getfixturevalue(who)
    sign_in(client, user)
    assert client.get(reverse("assessment:force")).status_code == 403
    assert client.get(reverse("assessment:line", args=[lines["casey"]])).status_code == 403
    assert not priority_lines(user=user).exists()


def test_a_force_sees_the_lines_touching_its_area_that_it_may_read(client, wy_analyst, lines):
    signed_in_with_purpose(client, wy_analyst)
    page = client.get(reverse("assessment:force"))
    assert page.status_code == 200 and page.context["police_force"].pk == WEST_YORKSHIRE
    assert [item["row"].entity_id for item in page.context["rows"]] == [lines["casey"]]
    assert [police_force.pk for police_force in page.context["held"]] == sorted([NORTH_YORKSHIRE, MERSEYSIDE])
    body = page.content.decode()
    assert "SCOUSE" not in body and "BIGLINE" not in body
    # Which force holds a line, never how many: need to know tells that a match exists, no more.
    assert "North Yorkshire Police also reports lines touching" in body
    assert "1 more line" not in body


def test_a_force_user_cannot_choose_another_force(client, wy_analyst, lines):
    signed_in_with_purpose(client, wy_analyst)
    page = client.get(reverse("assessment:force"), {"force": MERSEYSIDE})
    assert page.context["police_force"].pk == WEST_YORKSHIRE


def test_the_line_profile_says_why_in_plain_words_and_is_audited(client, wy_analyst, lines):
    signed_in_with_purpose(client, wy_analyst)
    page = client.get(reverse("assessment:line", args=[lines["casey"]]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Why it is a" in body
    assert "exploits 1 child" in body and "1 child is looked after by a council" in body
    assert "Harm comes first" in body
    assert page.context["standing"] == ["It ranks 1st of the 1 lines you may see."]
    assert "Casey Child" in body and "Runners" in body and "07700900111" in body.replace(" ", "").replace("+44", "0")
    assert "Missing episode" in body
    audit = AuditEvent.objects.filter(action="view", object_type="linkage.Entity").latest("id")
    assert audit.object_refs == [str(lines["casey"])] and audit.detail["page"] == "line profile"
    assert audit.detail["records"]["person"]


def test_a_line_only_another_force_holds_is_not_found(client, wy_analyst, lines):
    signed_in_with_purpose(client, wy_analyst)
    assert client.get(reverse("assessment:line", args=[lines["scouse"]])).status_code == 404
    assert client.get(reverse("assessment:line", args=[999_999])).status_code == 404


def test_the_profile_asks_for_a_purpose_first(client, wy_analyst, lines):
    sign_in(client, wy_analyst)
    response = client.get(reverse("assessment:line", args=[lines["casey"]]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:state_purpose"))


def test_exports_escape_formulas_and_are_audited(client, national_coordinator, lines):
    signed_in_with_purpose(client, national_coordinator)
    response = client.get(reverse("assessment:export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Line", "Line id", "Priority"]
    assert rows[1][1] == "'=CASEY"  # never a live formula
    response = client.get(reverse("assessment:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "'=CASEY" and cell.data_type == "s"
    exports = AuditEvent.objects.filter(action="export", object_type="linkage.Entity")
    assert exports.count() == 2 and {event.detail["format"] for event in exports} == {"csv", "xlsx"}


def test_exports_need_a_recent_second_factor(client, national_coordinator, lines):
    signed_in_with_purpose(client, national_coordinator)
    session = client.session
    session["verified_at"] = (timezone.now() - timedelta(hours=1)).isoformat()
    session.save()
    response = client.get(reverse("assessment:export", args=["csv"]))
    assert response.status_code == 302 and "step_up" in response["Location"]


def test_score_changes_since_finds_new_and_changed_lines(national_coordinator, wy_analyst, lines):
    before = timezone.now()
    assert {change.now.entity_id for change in score_changes_since(user=national_coordinator, since=before)} == set()
    # A new version of the October return adds a firearm.
    submit(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "=CASEY", ["07700 900111"], weapons=["firearm"])],
           people=[person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18", "looked_after"),
                          looked_after_by="E08000035", line_refs=["WY-L-1"])])
    resolve()
    assess_lines()
    changes = score_changes_since(user=national_coordinator, since=before)
    # Resolution may give the line a new entity number: its history follows its references.
    casey_now = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    casey = next(change for change in changes if change.now.entity_id == casey_now)
    assert casey.before is not None and casey.score_change > 0
    assert casey.now.previous_score == casey.before.score
    history = line_history(entity_id=casey_now)
    assert [row.score for row in history] == [casey.now.score, casey.before.score]
    # A force's analyst sees only the changes to lines they may see.
    assert {change.now.entity_id for change in score_changes_since(user=wy_analyst, since=before)} == {casey_now}
