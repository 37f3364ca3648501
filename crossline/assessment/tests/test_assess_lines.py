"""Scoring the stored lines: a small line exploiting a child above a large line exploiting none,
networks, history kept, and the facts read from the records."""

import pytest
from django.core.management import call_command

from crossline.assessment.models import Assessment, LineAssessment
from crossline.assessment.services import assess_lines
from crossline.assessment.tests.support import event, line, location, person, submit
from crossline.linkage.tests.support import entity_of, resolve

WY, NY, LANCS = "E23000010", "E23000009", "E23000003"
SMALL_NUMBER, BIG_NUMBER = "07700 900111", "07700 900222"
STREETS = [("Harehills Lane", "LS8 3PL"), ("Roundhay Road", "LS7 1AB"), ("Kirkstall Road", "LS4 2QD"),
           ("Tong Road", "LS12 4NQ"), ("York Road", "LS9 6NH")]


def small_child_line_returns():
    child = person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18", "looked_after", "missing_episodes"),
                   looked_after_by="E08000035", line_refs=["WY-L-1"])
    submit(WY, "2026-10-31", lines=[line("WY-L-1", "CASEY", [SMALL_NUMBER])], people=[child],
           events=[event("WY-E-1", "missing_episode", "2026-10-20", person_refs=["WY-P-1"])])


def big_adult_line_returns():
    adults = [person(f"WY-P-{n}", f"Adult{n}", "Sam", f"198{n % 10}-01-0{1 + n % 9}", roles=("runner",),
                     line_refs=["WY-L-2"]) for n in range(10, 22)]
    places = [location(f"WY-LOC-{n}", "trap_house", f"{n} {street}, Leeds", postcode, line_refs=["WY-L-2"])
              for n, (street, postcode) in enumerate(STREETS, start=1)]
    submit(WY, "2026-10-31", lines=[line("WY-L-2", "BIGLINE", [BIG_NUMBER], importing=(NY, LANCS, "E23000004"),
                                         drugs=["crack_cocaine", "heroin", "cannabis", "ketamine"])],
           people=adults, locations=places)


@pytest.mark.django_db(transaction=False)
def test_small_child_line_outranks_a_large_line_exploiting_no_child(wy_analyst):
    child = person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18", "looked_after", "missing_episodes"),
                   looked_after_by="E08000035", line_refs=["WY-L-1"])
    adults = [person(f"WY-P-{n}", f"Adult{n}", "Sam", f"198{n % 10}-01-0{1 + n % 9}", roles=("runner",),
                     line_refs=["WY-L-2"]) for n in range(10, 22)]
    places = [location(f"WY-LOC-{n}", "trap_house", f"{n} {street}, Leeds", postcode, line_refs=["WY-L-2"])
              for n, (street, postcode) in enumerate(STREETS, start=1)]
    submit(WY, "2026-10-31",
           lines=[line("WY-L-1", "CASEY", [SMALL_NUMBER]),
                  line("WY-L-2", "BIGLINE", [BIG_NUMBER], importing=(NY, LANCS, "E23000004"),
                       drugs=["crack_cocaine", "heroin", "cannabis", "ketamine"])],
           people=[child, *adults], locations=places,
           events=[event("WY-E-1", "missing_episode", "2026-10-20", person_refs=["WY-P-1"])])
    resolve()
    assessment = assess_lines(today=__import__("datetime").date(2026, 11, 5))
    small = LineAssessment.objects.get(assessment=assessment, entity_id=entity_of("line", WY, "WY-L-1"))
    big = LineAssessment.objects.get(assessment=assessment, entity_id=entity_of("line", WY, "WY-L-2"))
    assert small.facts["children"] == 1 and small.facts["looked_after_children"] == 1
    assert small.facts["missing_episodes"] == 1  # the event, which the person's factor also tells of
    assert big.facts["children"] == 0 and big.facts["people"] == 12 and big.facts["places"] == 5
    assert big.facts["importing_forces"] == 3
    assert small.score > big.score
    words = [item["words"] for item in small.contributions]
    assert "Exploits 1 child" in words
    assert "1 child is looked after by a council" in words


@pytest.mark.django_db(transaction=False)
def test_history_is_kept_and_the_latest_marked(wy_analyst):
    small_child_line_returns()
    resolve()
    first = assess_lines()
    second = assess_lines()
    entity = entity_of("line", WY, "WY-L-1")
    rows = LineAssessment.objects.filter(entity_id=entity).order_by("id")
    assert [row.assessment_id for row in rows] == [first.pk, second.pk]
    assert [row.is_latest for row in rows] == [False, True]
    assert rows[1].previous_score == rows[0].score and rows[1].previous_band == rows[0].band
    assert first.scoring_model == second.scoring_model


@pytest.mark.django_db(transaction=False)
def test_lines_sharing_a_person_form_a_network(wy_analyst):
    shared = person("WY-P-9", "Shared", "Jo", "1990-05-05", roles=("controller",), line_refs=["WY-L-1", "WY-L-3"])
    submit(WY, "2026-10-31", lines=[line("WY-L-1", "ONE", [SMALL_NUMBER]), line("WY-L-3", "THREE", [BIG_NUMBER]),
                                    line("WY-L-4", "ALONE", ["07700 900333"])], people=[shared])
    resolve()
    assessment = assess_lines()
    (network,) = assessment.networks.all()
    assert network.line_entity_ids == sorted([entity_of("line", WY, "WY-L-1"), entity_of("line", WY, "WY-L-3")])
    alone = LineAssessment.objects.get(assessment=assessment, entity_id=entity_of("line", WY, "WY-L-4"))
    assert alone.network is None


@pytest.mark.django_db(transaction=False)
def test_a_line_reported_by_two_forces_counts_the_child_and_the_episode_once_and_is_corroborated(wy_analyst):
    small_child_line_returns()
    child = person("NY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18", "missing_episodes"),
                   line_refs=["NY-L-1"])
    submit(NY, "2026-10-31", lines=[line("NY-L-1", "CASEY", [SMALL_NUMBER], exporting=WY, importing=(NY,),
                                         weapons=["knife"], violence="Y")], people=[child],
           events=[event("NY-E-1", "missing_episode", "2026-10-20", person_refs=["NY-P-1"]),
                   event("NY-E-2", "missing_episode", "2026-10-27", person_refs=["NY-P-1"])])
    resolve()
    assessment = assess_lines()
    row = LineAssessment.objects.get(assessment=assessment, entity_id=entity_of("line", WY, "WY-L-1"))
    assert sorted(row.reported_by) == sorted([WY, NY])
    assert row.facts["forces_reporting"] == 2 and row.facts["children"] == 1
    # 20 October is one episode, reported by both forces; 27 October another.
    assert row.facts["missing_episodes"] == 2
    assert row.facts["weapons"] == ["knife"] and row.facts["violent_events"] == 1
    assert set(row.touches.values_list("pk", flat=True)) == {WY, NY}


@pytest.mark.django_db(transaction=False)
def test_the_command_scores_everything_and_says_so(wy_analyst, capsys):
    small_child_line_returns()
    resolve()
    call_command("assess")
    out = capsys.readouterr().out
    assessment = Assessment.objects.get()
    assert f"Assessment {assessment.pk} with scoring model v1: 1 lines" in out
    assert "Scoring lines" in out


@pytest.mark.django_db(transaction=False)
def test_a_live_tasking_is_the_line_s_organisational_position(national_coordinator, west_yorkshire_police,
                                                              client):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from crossline.linkage.models import Entity
    from crossline.linkage.tests.support import signed_in_with_purpose
    from crossline.tasking.services import tasking_create

    small_child_line_returns()
    resolve()
    pk = entity_of("line", WY, "WY-L-1")
    before = LineAssessment.objects.get(assessment=assess_lines(), entity_id=pk)
    assert "untasked" in {item["factor"] for item in before.contributions}
    tasking_create(actor=national_coordinator, title="CASEY: safeguard the child", lines=[Entity.objects.get(pk=pk)],
                   owners=[west_yorkshire_police], objective="safeguard", priority="high",
                   due_date=timezone.localdate() + timedelta(days=14), instructions="Safeguard and disrupt.")
    after = LineAssessment.objects.get(assessment=assess_lines(), entity_id=pk)
    factors = {item["factor"]: item for item in after.contributions}
    assert "untasked" not in factors
    assert factors["tasked"]["words"] == f"1 live tasking held by {west_yorkshire_police.name}"
    assert after.score == pytest.approx(before.score - 5)  # the default points for nobody owning it
    signed_in_with_purpose(client, national_coordinator)
    page = client.get(reverse("assessment:line", args=[pk]))
    assert "CASEY: safeguard the child" in page.content.decode()


@pytest.mark.django_db(transaction=False)
def test_the_demo_scores_every_resolved_line(wy_analyst):
    from crossline.assessment.demo import assessment_demo_load

    small_child_line_returns()
    resolve()
    assessment = assessment_demo_load()
    assert assessment.trigger == "demo" and assessment.line_count == 1
