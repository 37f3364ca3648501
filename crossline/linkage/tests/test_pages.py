"""The crossover pages: figures for whoever may see returns or aggregates, records only through
need to know, and the analysts' pages for those who review matches."""

import pytest
from django.urls import reverse

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE, sign_in
from crossline.linkage.models import CandidatePair, ForceFeedback, PairStatus
from crossline.linkage.tests.support import (
    background_people,
    entity_of,
    line,
    location,
    person,
    resolve,
    signed_in_with_purpose,
    submit_return,
    vehicle,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossover():
    """The JAY line, run from West Yorkshire into North Yorkshire by a child both forces know."""
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])], people=[
        person("WY-P-1", "Ward", "Jack", "2010-09-21", roles=("runner",), factors=("under_18",),
               phone_numbers=["07700 900777"], line_refs=["WY-L-1"])],
        locations=[location("WY-A-1", "trap_house", "5 Mill Lane, Harrogate", "HG1 1AA", line_refs=["WY-L-1"])],
        vehicles=[vehicle("WY-V-1", "AB12 CDE", line_refs=["WY-L-1"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-1", "Jay line", ["+447700900123"])], people=[
        person("NY-P-1", "Ward", "Jack", "2010-09-21", roles=("line_holder",), phone_numbers=["07700900777"],
               line_refs=["NY-L-1"], factors=("under_18",))],
        locations=[location("NY-A-1", "trap_house", "5 Mill Ln, Harrogate", "HG1 1AA", line_refs=["NY-L-1"])])
    resolve()


def test_the_matrix_counts_lines_exported_and_what_both_forces_report(client, wy_analyst, crossover):
    sign_in(client, wy_analyst)
    lines = client.get(reverse("linkage:matrix"))
    assert lines.status_code == 200
    columns = [column.pk for column in lines.context["columns"]]
    cells = {(row["code"], column): count for row in lines.context["rows"]
             for column, count in zip(columns, row["cells"], strict=True)}
    assert cells == {(WEST_YORKSHIRE, NORTH_YORKSHIRE): 1, (NORTH_YORKSHIRE, WEST_YORKSHIRE): 0,
                     (WEST_YORKSHIRE, WEST_YORKSHIRE): 0, (NORTH_YORKSHIRE, NORTH_YORKSHIRE): 0}
    people = client.get(reverse("linkage:matrix"), {"show": "vulnerable"})
    assert [row["cells"] for row in people.context["rows"]] == [[0, 1], [1, 0]]
    assert "Jack" not in people.content.decode()


def test_a_force_s_crossover_page_lists_each_force_it_shares_with(client, pcc_viewer, crossover):
    sign_in(client, pcc_viewer)
    page = client.get(reverse("linkage:force", args=[WEST_YORKSHIRE]))
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert (row["force"].pk, row["lines_out"], row["people"], row["vulnerable"], row["locations"]) == (
        NORTH_YORKSHIRE, 1, 1, 1, 1)


def test_aggregate_viewers_see_figures_but_no_records(client, pcc_viewer, outsider, crossover):
    entity = entity_of("person", WEST_YORKSHIRE, "WY-P-1")
    sign_in(client, pcc_viewer)
    assert client.get(reverse("linkage:entity", args=[entity])).status_code == 403
    assert client.get(reverse("linkage:queue")).status_code == 403
    sign_in(client, outsider)
    assert client.get(reverse("linkage:matrix")).status_code == 403


def test_a_line_s_records_name_its_forces_and_write_dates_in_words(client, wy_analyst, crossover):
    entity = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    body = signed_in_with_purpose(client, wy_analyst).get(reverse("linkage:entity", args=[entity])).content.decode()
    # The importing force by name (North Yorkshire Police), not its ONS code.
    assert "North Yorkshire Police" in body and f">{NORTH_YORKSHIRE}<" not in body
    assert "31 October 2026" in body


def test_a_line_s_network_is_a_table_without_javascript(client, wy_analyst, crossover):
    entity = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    page = signed_in_with_purpose(client, wy_analyst).get(reverse("linkage:network", args=[entity]))
    assert page.status_code == 200
    kinds = sorted(node["kind"] for node in page.context["nodes"])
    assert kinds == ["line", "location", "person", "vehicle"]
    text = page.content.decode()
    assert "Jack Ward" in text and "AB12CDE" in text and 'id="network-elements"' in text
    assert AuditEvent.objects.filter(object_type="linkage.Entity", detail__network=True).count() == 1


def test_feedback_tells_each_force_what_others_report(client, wy_analyst, ny_analyst, crossover):
    report = ForceFeedback.objects.get(force=WEST_YORKSHIRE)
    assert report.figures["shared"] == 3  # the line, the child, the trap house
    assert report.figures["vulnerable_here_offender_elsewhere"] == 1
    north = ForceFeedback.objects.get(force=NORTH_YORKSHIRE).figures
    assert (north["imported_here_exported_elsewhere"], north["offender_here_vulnerable_elsewhere"]) == (1, 1)
    assert report.figures["imported_here_exported_elsewhere"] == 0
    signed_in_with_purpose(client, wy_analyst)
    page = client.get(reverse("linkage:feedback"))
    assert page.status_code == 200 and "whom another force reports as an offender" in page.content.decode()


def test_the_review_queue_shows_a_pair_side_by_side_with_its_reasons_and_takes_a_decision(
        client, national_coordinator, wy_submitter):
    submit_return("E23000004", "2026-10-31", people=background_people())
    for force, ref in ((WEST_YORKSHIRE, "WY-P-1"), (NORTH_YORKSHIRE, "NY-P-1")):
        submit_return(force, "2026-10-31", people=[person(ref, "Walsh", "Dean", age_estimate=27,
                                                          aliases=["Little D"], gender="male")])
    resolve()
    pair = CandidatePair.objects.get()
    sign_in(client, wy_submitter)
    assert client.get(reverse("linkage:queue")).status_code == 403

    signed_in_with_purpose(client, national_coordinator)
    queue = client.get(reverse("linkage:queue"))
    assert list(queue.context["page"]) == [pair]
    page = client.get(reverse("linkage:pair", args=[pair.pk]))
    text = page.content.decode()
    assert "Exact match on full_name" in text and "Walsh" in text
    decided = client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "reject", "note": "No"})
    assert decided.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED


def test_the_exclusion_list_page_adds_and_removes(client, wy_analyst):
    sign_in(client, wy_analyst)
    added = client.post(reverse("linkage:exclusions"), {"field": "phone", "given": "0113 496 0000",
                                                        "category": "switchboard", "description": "Switchboard"})
    assert added.status_code == 302
    page = client.get(reverse("linkage:exclusions"))
    (excluded,) = page.context["excluded"]
    assert client.post(reverse("linkage:exclusion_remove", args=[excluded.pk])).status_code == 302
    refused = client.post(reverse("linkage:exclusions"), {"field": "postcode", "given": "nowhere",
                                                          "category": "other", "description": "x"})
    assert refused.status_code == 200 and "not a UK postcode" in refused.content.decode()


def test_runs_are_listed_with_what_they_found(client, wy_analyst, crossover):
    sign_in(client, wy_analyst)
    page = client.get(reverse("linkage:runs"))
    (run,) = page.context["runs"]
    detail = client.get(reverse("linkage:run", args=[run.pk]))
    assert detail.status_code == 200 and "no decision was contradicted" in detail.content.decode()


def test_a_run_s_page_reloads_itself_only_while_it_runs(client, wy_analyst, crossover):
    from crossline.linkage.models import LinkRun

    sign_in(client, wy_analyst)
    (finished,) = LinkRun.objects.all()
    assert b'http-equiv="refresh"' not in client.get(reverse("linkage:run", args=[finished.pk])).content
    running = LinkRun.objects.create(mode="full", started_at=finished.started_at, stage="People: linking", done=3,
                                     total=4)
    page = client.get(reverse("linkage:run", args=[running.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "People: linking (3 of 4 stages done)" in page
    assert 'http-equiv="refresh"' in client.get(reverse("linkage:runs")).content.decode()
