"""Harm first, as a property of the scoring function, for every scoring model the national
centre may set (not only the defaults):

- another exploited child, weapon or violent event never lowers a line's score or band;
- a small line exploiting a child outranks a large line exploiting none, when both are as
  current, as well evidenced and as owned, and the large line has no more of the other harms.
"""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.assessment.models import BAND_ORDER
from crossline.assessment.scoring import LineFacts, Weights, merge_grading, score_line

GRADINGS = [f"{source}{intel}" for source in "RUX" for intel in "12345"]
WEAPONS = ("knife", "firearm", "corrosive", "other")
DRUGS = ("crack_cocaine", "heroin", "cocaine", "cannabis", "ketamine", "mdma", "spice", "other")
points = st.floats(min_value=0, max_value=40, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0.05, max_value=1.0, allow_nan=False, allow_infinity=False)


@st.composite
def weights(draw) -> tuple[Weights, float, float]:
    """Any scoring model the national centre may save: it passes Weights.problems()."""
    values = {name: draw(points) for name in (
        "child_each", "looked_after_each", "looked_after_cap", "vulnerable_adult_each", "vulnerable_adult_cap",
        "sexual_exploitation_each", "sexual_exploitation_cap", "cuckooed_each", "cuckooed_cap", "missing_each",
        "missing_cap", "violence_each", "violence_cap", "weapon_firearm", "weapon_corrosive", "weapon_knife",
        "weapon_other", "threats_each", "threats_cap", "class_a", "drug_each", "drugs_cap", "places_each",
        "places_cap", "people_each", "people_cap", "importing_area_each", "importing_area_cap",
        "importing_force_each", "importing_force_cap", "month_each", "months_cap", "untasked", "stretched")}
    for name in ("likelihood_active", "likelihood_dormant", "likelihood_closed", "confidence_floor"):
        values[name] = draw(fraction)
    recency = sorted((draw(fraction) for _ in range(4)), reverse=True)
    values.update(recency_recent=recency[0], recency_half_year=recency[1], recency_year=recency[2],
                  recency_older=recency[3], recency_unknown=recency[3] * draw(fraction), recent_days=draw(st.integers(1, 180)),
                  corroboration_each=draw(st.floats(0, 0.5)), stretched_at=draw(st.integers(0, 20)))
    scale = Weights(**values).scale_caps()
    values["child_first"] = scale + draw(st.floats(min_value=0.01, max_value=40))
    values["child_cap"] = values["child_first"] + draw(points)
    chosen = Weights(**values)
    assert chosen.problems() == {}, chosen.problems()
    regional = draw(st.floats(min_value=0, max_value=100))
    national = regional + draw(st.floats(min_value=0.01, max_value=100))
    return chosen, national, regional


def small(n: int = 30):
    return st.integers(min_value=0, max_value=n)


@st.composite
def facts(draw, *, children=None) -> LineFacts:
    child_count = draw(small(12)) if children is None else children
    return LineFacts(
        children=child_count, looked_after_children=draw(st.integers(0, child_count)),
        vulnerable_adults=draw(small()), sexual_exploitation=draw(small(10)), cuckooed=draw(small(10)),
        missing_episodes=draw(small(20)), violent_events=draw(small(10)),
        weapons=frozenset(draw(st.sets(st.sampled_from(WEAPONS)))), threats=draw(small(10)),
        people=child_count + draw(small(300)), drugs=frozenset(draw(st.sets(st.sampled_from(DRUGS)))),
        places=draw(small(50)), importing_areas=draw(small(40)), importing_forces=draw(small(12)),
        months_reported=draw(small(36)), status=draw(st.sampled_from(("active", "dormant", "closed"))),
        days_since_report=draw(st.none() | st.integers(0, 3000)), best_grading=draw(st.sampled_from(["", *GRADINGS])),
        forces_reporting=draw(st.integers(1, 12)), live_taskings=draw(small(3)),
        tasked_to=(), busiest_force_taskings=draw(small(20)))


def scored(line: LineFacts, model):
    chosen, national, regional = model
    return score_line(line, chosen, national=national, regional=regional)


def never_lower(before: LineFacts, after: LineFacts, model) -> None:
    was, now = scored(before, model), scored(after, model)
    assert now.score >= was.score, (was, now)
    assert BAND_ORDER[now.band] >= BAND_ORDER[was.band]


# A new report can come with its own grading and date: it may raise confidence and recency, never lower them.
report = st.tuples(st.sampled_from(GRADINGS), st.none() | st.integers(0, 3000))


def reported(line: LineFacts, new_report) -> LineFacts:
    grading, days = new_report
    if days is not None and line.days_since_report is not None:
        days = min(days, line.days_since_report)
    return replace(line, best_grading=merge_grading(line.best_grading, grading),
                   days_since_report=line.days_since_report if days is None else days)


@settings(max_examples=400)
@given(line=facts(), model=weights(), new_report=report, looked_after=st.booleans(), sexual=st.booleans(),
       missing=st.booleans())
def test_another_exploited_child_never_lowers_the_score_or_band(line, model, new_report, looked_after, sexual,
                                                                 missing):
    after = replace(reported(line, new_report), children=line.children + 1, people=line.people + 1,
                    looked_after_children=line.looked_after_children + looked_after,
                    sexual_exploitation=line.sexual_exploitation + sexual,
                    missing_episodes=line.missing_episodes + missing)
    never_lower(line, after, model)


@settings(max_examples=300)
@given(line=facts(), model=weights(), weapon=st.sampled_from(WEAPONS), new_report=report)
def test_a_weapon_never_lowers_the_score_or_band(line, model, weapon, new_report):
    never_lower(line, replace(reported(line, new_report), weapons=line.weapons | {weapon}), model)


@settings(max_examples=300)
@given(line=facts(), model=weights(), new_report=report)
def test_a_violent_event_never_lowers_the_score_or_band(line, model, new_report):
    never_lower(line, replace(reported(line, new_report), violent_events=line.violent_events + 1), model)


@settings(max_examples=500)
@given(large=facts(children=0), model=weights(), children=st.integers(1, 3), drug=st.sampled_from(DRUGS),
       more_harm=st.booleans())
def test_a_small_line_exploiting_a_child_outranks_a_large_line_exploiting_none(large, model, children, drug,
                                                                                more_harm):
    # The small line has the large line's other harms (or more), its recency, status, grading,
    # corroboration and taskings, but almost no scale: a few people, one drug, one area, one month.
    small_line = replace(
        large, children=children, looked_after_children=0, people=children + 1, drugs=frozenset({drug}),
        places=0, importing_areas=1, importing_forces=0, months_reported=1,
        violent_events=large.violent_events + more_harm)
    small_score, large_score = scored(small_line, model), scored(large, model)
    assert small_score.score > large_score.score, (small_score, large_score)
    assert BAND_ORDER[small_score.band] >= BAND_ORDER[large_score.band]


@settings(max_examples=200)
@given(line=facts(), model=weights())
def test_the_contributions_add_up_to_the_score(line, model):
    result = scored(line, model)
    harm = sum(item.points or 0 for item in result.contributions if item.group not in (
        "Likelihood", "Confidence", "Organisational position"))
    position = sum(item.points or 0 for item in result.contributions if item.group == "Organisational position")
    assert abs(harm - result.harm) < 1e-6
    assert abs(result.likelihood * result.confidence * result.harm + position - result.score) < 1e-6
    assert all(item.words for item in result.contributions)


def test_a_scoring_model_that_lets_scale_outweigh_a_child_is_refused():
    problems = Weights(child_first=10.0).problems()
    assert "child_first" in problems
    assert "small line exploiting a child" in problems["child_first"]


def test_the_defaults_put_one_child_above_the_largest_line_without_children():
    largest = LineFacts(people=500, drugs=frozenset(DRUGS), places=100, importing_areas=40, importing_forces=12,
                        months_reported=36, best_grading="R1", forces_reporting=3)
    one_child = replace(largest, children=1, people=2, drugs=frozenset({"cannabis"}), places=0, importing_areas=1,
                        importing_forces=0, months_reported=1)
    defaults = Weights()
    assert defaults.problems() == {}
    assert score_line(one_child, defaults, national=60, regional=30).score > score_line(
        largest, defaults, national=60, regional=30).score
