"""Lines change deal number every few months, and a dropped number is later picked up by a line of
another gang: a shared number is evidence only while both lines used it at once."""

from collections import defaultdict

import pytest

from crossline.synthetic.generate import generate_world
from crossline.synthetic.tests.conftest import AS_OF


@pytest.fixture(scope="module")
def demo_world():
    return generate_world(seed=5, scale="demo", as_of=AS_OF)


def test_no_number_serves_two_lines_at_the_same_time(demo_world):
    uses = defaultdict(list)
    for line in demo_world.lines:
        for tenure in line.tenures:
            uses[tenure.number].append((tenure.start, tenure.end, line))
    for spells in uses.values():
        spells.sort(key=lambda spell: spell[0])
        for (_s1, end, _l1), (start, _e2, _l2) in zip(spells, spells[1:], strict=False):
            assert end < start


def test_a_released_number_is_next_used_by_a_different_gang(demo_world):
    users = defaultdict(list)
    for line in demo_world.lines:
        for tenure in line.tenures:
            users[tenure.number].append((tenure.start, line.gang))
    reused = [sorted(spells) for spells in users.values() if len(spells) > 1]
    assert len(reused) >= 10
    for spells in reused:
        assert all(before[1] != after[1] for before, after in zip(spells, spells[1:], strict=False))


def test_a_running_line_has_a_number_every_month_and_changes_it(demo_world):
    changed = 0
    for line in demo_world.lines:
        for month in range(demo_world.months):
            if line.status(month) is not None:
                assert len(line.numbers_in(month)) == 1
        changed += len({line.numbers_in(m)[0] for m in range(demo_world.months) if line.status(m)}) > 1
    assert changed > len(demo_world.lines) / 3


def test_demo_has_all_forces_and_a_few_hundred_lines(demo_world):
    assert len(demo_world.submitting_forces) == 44
    assert 150 <= len(demo_world.lines) <= 500
