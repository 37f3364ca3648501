"""Analysts' decisions are training labels: retraining counts a rejected pair as a labelled
non-match (never among the pairs the model learns matches from) and records on the new model
version how many labels of each kind it used. And a model is only used for the comparisons it
was trained for: after an upgrade changes them, the shipped model takes over, audited."""

import copy
from datetime import date

import pyarrow as pa
import pytest

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.engine import people, places, training
from crossline.linkage.models import Decision, EntityLink, LinkageModel, MatchDecision
from crossline.linkage.services import linkage_model_active, linkage_model_store, merge_undo, shipped_model
from crossline.linkage.synthetic import synthetic_returns_load
from crossline.linkage.tests.support import entity_of, person, resolve, submit_return
from crossline.linkage.training import linkage_models_train
from crossline.synthetic.generate import generate_world, write_returns

pytestmark = pytest.mark.django_db
# Three pairs of records that agree on name and date of birth: what the prior counts as matches.
NAMESAKES = [("Cole", "Ryan", "1991-03-14"), ("Doyle", "Aaron", "1988-11-02"), ("Price", "Leon", "1995-07-30")]


def _matches_per_profile(model: LinkageModel) -> float:
    return model.settings["crossline"]["matches_per_profile"]


def test_rejected_pairs_are_labelled_non_matches_when_retraining(tmp_path, settings, national_coordinator):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    write_returns(generate_world(seed=3, scale="tiny", as_of=date(2026, 11, 26)), tmp_path / "returns", form="json")
    synthetic_returns_load(tmp_path / "returns")
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person(f"WY-P-{n}", *namesake) for n, namesake in enumerate(NAMESAKES)])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person(f"NY-P-{n}", *namesake) for n, namesake in enumerate(NAMESAKES)])
    resolve()
    unlabelled, _ = linkage_models_train(user=national_coordinator, max_pairs=1e5)

    # An analyst knows two of the three pairs are namesakes, and undoes their merges.
    for n in (0, 1):
        assert entity_of("person", WEST_YORKSHIRE, f"WY-P-{n}") == entity_of("person", NORTH_YORKSHIRE, f"NY-P-{n}")
        link = EntityLink.objects.get(kind="person", left_ref__in=[f"WY-P-{n}", f"NY-P-{n}"],
                                      right_ref__in=[f"WY-P-{n}", f"NY-P-{n}"])
        merge_undo(link=link, user=national_coordinator, note="Namesakes: different fathers")
    assert MatchDecision.objects.filter(kind="person", decision=Decision.REJECT, is_current=True).count() == 2
    labelled, location_model = linkage_models_train(user=national_coordinator, max_pairs=1e5)

    assert (labelled.rejected_labels, labelled.settings["crossline"]["rejected_labels"]) == (2, 2)
    assert unlabelled.settings["crossline"]["rejected_labels"] == 0
    # The two rejected pairs no longer count among the matches the prior is estimated from:
    # 2 of the matches each profile has on average, spread over every profile.
    profiles = labelled.settings["crossline"]["profiles"]
    assert _matches_per_profile(unlabelled) - _matches_per_profile(labelled) == pytest.approx(
        2 * 2 / (0.7 * profiles), rel=0.01)
    (audit,) = [event for event in AuditEvent.objects.filter(object_type="linkage.LinkageModel")
                if event.object_refs == [str(labelled.pk)]]
    assert (audit.detail["rejected_labels"], audit.detail["confirmed_labels"]) == (2, 0)
    assert location_model.rejected_labels == 0
    # And the decisions still hold as constraints under the new model.
    resolve()
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-0") != entity_of("person", NORTH_YORKSHIRE, "NY-P-0")


def test_each_profile_lists_the_identities_an_analyst_said_it_is_not():
    table = pa.table({"unique_id": [0, 1, 2, 3], "identity": [10, 11, 12, 10]})

    marked = training.with_rejections(table, [(10, 11), (12, 10)])

    assert marked.column(training.REJECTED_COLUMN).to_pylist() == [[11, 12], [10], [10], [11, 12]]
    assert training.with_rejections(table, []).column(training.REJECTED_COLUMN).to_pylist() == [[], [], [], []]


@pytest.mark.parametrize("kind, structure", [("person", people.settings), ("location", places.settings)])
def test_the_shipped_models_are_trained_for_the_comparisons_the_code_makes(kind, structure):
    shipped = shipped_model(kind)
    made = structure().create_settings_dict("duckdb")
    assert [[level.get("sql_condition") for level in comparison["comparison_levels"]]
            for comparison in shipped["comparisons"]] == \
        [[level.get("sql_condition") for level in comparison["comparison_levels"]] for comparison in made["comparisons"]]


def test_every_level_floor_names_a_level_a_model_has():
    levels = {(comparison["output_column_name"], level.get("label_for_charts"))
              for structure in (people.settings, places.settings)
              for comparison in structure().create_settings_dict("duckdb")["comparisons"]
              for level in comparison["comparison_levels"]}
    assert set(training.LEVEL_FLOORS) <= levels


def test_a_model_made_for_other_comparisons_gives_way_to_the_shipped_one():
    current = linkage_model_active(kind="location")
    older = copy.deepcopy(current.settings)
    del older["comparisons"][0]["comparison_levels"][2]  # as before house numbers were compared
    outdated = linkage_model_store(kind="location", settings=older, user=None, trained_on="An earlier release.")

    active = linkage_model_active(kind="location")

    assert active.version == outdated.version + 1 and active.is_active
    assert active.settings == shipped_model("location")
    assert "replaces version" in active.trained_on
    assert [event.detail["version"] for event in AuditEvent.objects.filter(object_type="linkage.LinkageModel")
            if event.object_refs == [str(active.pk)]] == [active.version]
    # A model for these comparisons (one retrained here, say) is kept as it is.
    assert linkage_model_active(kind="location") == active


def test_a_model_s_own_level_floor_wins_over_the_shared_one():
    """People move, places do not: a differing house number is a move for people (m at least
    0.2), a mistyped number for places (0.01). Training must not give one the other's floor."""
    def toy() -> dict:
        return {"probability_two_random_records_match": 0.001, "comparisons": [{
            "output_column_name": "location", "comparison_levels": [
                {"label_for_charts": "Same postcode and address", "m_probability": 0.7, "u_probability": 0.001},
                {"label_for_charts": "Different house or flat number", "m_probability": None,
                 "u_probability": 0.5},
                {"label_for_charts": "Different areas", "m_probability": 0.3, "u_probability": 0.499}]}]}

    def m_of(model: dict) -> float:
        levels = model["comparisons"][0]["comparison_levels"]
        return next(level["m_probability"] for level in levels
                    if level["label_for_charts"] == "Different house or flat number")

    as_people = m_of(training.regularise(toy(), floors=training.PEOPLE_FLOORS, profiles=1_000))
    as_places = m_of(training.regularise(toy(), floors=training.PLACE_FLOORS, profiles=1_000))
    assert as_people > 0.15 > 0.02 > as_places > 0
