"""Identities into entities: union-find over the links found, strongest first, never joining
two identities an analyst has said are different.

Plain connected components would let one rejected pair be joined through a third identity
(A-C and C-B link A to B). Here a rejected pair is a *cannot-link* constraint: a link whose
union would put both sides of one into the same entity is refused and reported, whatever its
strength. Links are applied in order of strength (analyst confirmations, then shared strong
identifiers, then probabilistic links by match weight), so when evidence conflicts the
strongest wins. The links actually used form a spanning forest: each entity keeps exactly the
links that built it, so undoing one link splits the entity in two and keeps every other link.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

# Order of strength: lower first.
ANALYST, IDENTIFIER, PROBABILISTIC = 0, 1, 2


@dataclass(frozen=True)
class Link:
    left: int
    right: int
    how: str  # "analyst", "identifier", "probabilistic"
    weight: float = float("inf")  # Splink match weight; infinite for the others
    evidence: tuple = ()  # (("field", "pnc"),) etc.: what the link rests on, never the values

    @property
    def rank(self) -> tuple:
        return ({"analyst": ANALYST, "identifier": IDENTIFIER}.get(self.how, PROBABILISTIC), -self.weight,
                min(self.left, self.right), max(self.left, self.right))


@dataclass
class Refusal:
    link: Link
    apart: tuple[int, int]  # the rejected pair the link would have joined


@dataclass
class Clustering:
    members: dict[int, list[int]] = field(default_factory=dict)  # root -> identities
    spanning: dict[int, list[Link]] = field(default_factory=dict)  # root -> the links that built it
    refused: list[Refusal] = field(default_factory=list)


class ConstrainedUnion:
    """Union-find whose roots carry their entity's rejected pairs as (inside, outside) identities."""

    def __init__(self, size: int, apart: Iterable[tuple[int, int]] = ()):
        self.parent = list(range(size))
        self.rank = [0] * size
        self.forbidden: dict[int, set[tuple[int, int]]] = {}
        for left, right in apart:
            if left != right:
                self.forbidden.setdefault(left, set()).add((left, right))
                self.forbidden.setdefault(right, set()).add((right, left))

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def blocker(self, left_root: int, right_root: int) -> tuple[int, int] | None:
        """A rejected pair with one side in each root's entity, if there is one."""
        left, right = self.forbidden.get(left_root, ()), self.forbidden.get(right_root, ())
        pairs, other = (left, right_root) if len(left) <= len(right) else (right, left_root)
        for inside, outside in pairs:
            if self.find(outside) == other:
                return (inside, outside)
        return None

    def union(self, left: int, right: int) -> tuple[int, int] | None:
        """Join the two identities' entities; returns the rejected pair that forbids it, if any."""
        left_root, right_root = self.find(left), self.find(right)
        if left_root == right_root:
            return None
        if self.forbidden.get(left_root) and self.forbidden.get(right_root):
            blocked = self.blocker(left_root, right_root)
            if blocked is not None:
                return blocked
        if self.rank[left_root] < self.rank[right_root]:
            left_root, right_root = right_root, left_root
        self.parent[right_root] = left_root
        if self.rank[left_root] == self.rank[right_root]:
            self.rank[left_root] += 1
        moved = self.forbidden.pop(right_root, None)
        if moved:
            self.forbidden.setdefault(left_root, set()).update(moved)
        return None


def cluster(size: int, links: Iterable[Link], *, apart: Iterable[tuple[int, int]] = ()) -> Clustering:
    """Cluster identities 0..size-1 using `links`, never joining any pair in `apart`."""
    union = ConstrainedUnion(size, apart)
    result = Clustering()
    used: list[Link] = []
    for link in sorted(links, key=lambda link: link.rank):
        if union.find(link.left) == union.find(link.right):
            continue
        blocked = union.union(link.left, link.right)
        if blocked is not None:
            result.refused.append(Refusal(link, blocked))
        else:
            used.append(link)
    for node in range(size):
        result.members.setdefault(union.find(node), []).append(node)
    for link in used:
        result.spanning.setdefault(union.find(link.left), []).append(link)
    return result
