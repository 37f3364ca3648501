"""Clustering under analysts' decisions: a rejected pair never ends up in one entity, whatever
links exist; and each entity keeps exactly the links that built it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.linkage.engine.clustering import Link, cluster

SIZE = 12
links = st.lists(st.builds(Link, st.integers(0, SIZE - 1), st.integers(0, SIZE - 1),
                           st.sampled_from(["analyst", "identifier", "probabilistic"]),
                           st.floats(0, 40, allow_nan=False)), max_size=40)
pairs = st.lists(st.tuples(st.integers(0, SIZE - 1), st.integers(0, SIZE - 1)), max_size=6)


def _components(size: int, used: list[Link]) -> set[frozenset]:
    parent = list(range(size))

    def find(node):
        while parent[node] != node:
            node = parent[node]
        return node

    for link in used:
        parent[find(link.left)] = find(link.right)
    groups = {}
    for node in range(size):
        groups.setdefault(find(node), set()).add(node)
    return {frozenset(group) for group in groups.values()}


@settings(max_examples=300, deadline=None)
@given(links, pairs)
def test_no_rejected_pair_is_ever_in_one_entity(found, apart):
    result = cluster(SIZE, found, apart=apart)
    entity = {node: root for root, members in result.members.items() for node in members}
    for left, right in apart:
        assert left == right or entity[left] != entity[right]


@settings(max_examples=300, deadline=None)
@given(links, pairs)
def test_each_entity_is_a_tree_of_the_links_used_and_every_link_is_used_or_refused(found, apart):
    result = cluster(SIZE, found, apart=apart)
    used = [link for spanning in result.spanning.values() for link in spanning]
    assert _components(SIZE, used) == {frozenset(members) for members in result.members.values()}
    for root, members in result.members.items():
        assert len(result.spanning.get(root, [])) == len(members) - 1
    entity = {node: root for root, members in result.members.items() for node in members}
    refused = {id(refusal.link) for refusal in result.refused}
    for link in found:
        assert entity[link.left] == entity[link.right] or id(link) in refused


def test_the_strongest_evidence_wins_when_links_conflict_with_a_rejection():
    # 0-1 rejected; a weak score links 0-2, a shared identifier 1-2: the identifier wins.
    result = cluster(3, [Link(0, 2, "probabilistic", 7.0), Link(1, 2, "identifier")], apart=[(0, 1)])
    entity = {node: root for root, members in result.members.items() for node in members}
    assert entity[1] == entity[2] != entity[0]
    assert [refusal.link.how for refusal in result.refused] == ["probabilistic"]
