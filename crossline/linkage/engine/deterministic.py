"""Links on strong identifiers: a PNC id, a vehicle registration, a UPRN, a place's full address,
and a deal number used by two lines at the same time.

A deal number is evidence only while both lines used it: numbers are dropped and picked up by
other lines, often another gang's. Each identity's use of a number runs from the first to the
last return period that lists it; two identities are linked by the number only if those spans
overlap, and only if the lines' names do not contradict each other (a name both forces give,
and different, sends the pair to an analyst instead).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from crossline.linkage.engine.clustering import Link
from crossline.linkage.engine.names import brand_key
from crossline.linkage.engine.records import Snapshot


def chain(identities: Iterable[int], evidence: tuple) -> Iterator[Link]:
    """Links joining every identity holding one value: a chain is enough for a spanning tree."""
    ordered = sorted(set(identities))
    for left, right in zip(ordered, ordered[1:], strict=False):
        yield Link(left, right, "identifier", evidence=evidence)


def shared_value_links(snapshot: Snapshot, column: int, field: str, *, excluded: set[str] = frozenset()) -> list[Link]:
    """Identities that share a value of `column` (a PNC key, a VRM, a UPRN), chained."""
    holders: dict[str, set[int]] = defaultdict(set)
    for record in snapshot.records:
        value = record.values[column]
        if value and value not in excluded:
            holders[value].add(record.identity)
    links = []
    for identities in holders.values():
        if len(identities) > 1:
            links.extend(chain(identities, (("field", field),)))
    return links


def line_brands(snapshot: Snapshot) -> dict[int, str]:
    """Each line identity's brand: the one its records give most often."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for record in snapshot.records:
        brand = brand_key(record.values[0])
        if brand:
            counts[record.identity][brand] += 1
    return {identity: max(brands, key=lambda brand: (brands[brand], brand)) for identity, brands in counts.items()}


def number_spans(snapshot: Snapshot, *, excluded: set[str] = frozenset()) -> dict[str, dict[int, list[date]]]:
    """number -> identity -> [first period start, last period end] the identity listed it in."""
    spans: dict[str, dict[int, list[date]]] = defaultdict(dict)
    for record in snapshot.records:
        for number in record.values[1]:
            if number in excluded:
                continue
            span = spans[number].get(record.identity)
            if span is None:
                spans[number][record.identity] = [record.period_start, record.period_end]
            else:
                span[0] = min(span[0], record.period_start)
                span[1] = max(span[1], record.period_end)
    return spans


def line_links(snapshot: Snapshot, *, excluded: set[str] = frozenset()) -> tuple[list[Link], list[tuple[int, int]]]:
    """Links between lines that used one number at the same time, and the pairs whose names
    disagree (for review)."""
    brands = line_brands(snapshot)
    links: list[Link] = []
    contested: set[tuple[int, int]] = set()
    for identities in number_spans(snapshot, excluded=excluded).values():
        if len(identities) < 2:
            continue
        ordered = sorted(identities.items(), key=lambda item: item[1][0])
        for index, (left, (_start, left_end)) in enumerate(ordered):
            for right, (right_start, _end) in ordered[index + 1:]:
                if right_start > left_end:
                    break
                pair = (min(left, right), max(left, right))
                left_brand, right_brand = brands.get(left), brands.get(right)
                if left_brand and right_brand and left_brand != right_brand:
                    contested.add(pair)
                else:
                    links.append(Link(*pair, "identifier", evidence=(("field", "deal_number"),)))
    return links, sorted(contested)


def address_links(snapshot: Snapshot, *, excluded_addresses: set[str] = frozenset(),
                  excluded_postcodes: set[str] = frozenset()) -> list[Link]:
    """Places with the same full address (house, street and town, compared as address keys):
    a place is its address. Two records whose postcodes both exist and differ are left to the
    probabilistic model, which weighs which of them is wrong."""
    from crossline.linkage.engine.names import address_key

    holders: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in snapshot.records:
        _kind, address, postcode, _district, _uprn = record.values
        key = address_key(address) if address else None
        if not key or key in excluded_addresses or (postcode and postcode in excluded_postcodes):
            continue
        holders[key][record.identity].add(postcode or "")
    links = []
    for identities in holders.values():
        if len(identities) < 2:
            continue
        by_postcode: dict[str, list[int]] = defaultdict(list)
        unplaced = []
        for identity, postcodes in identities.items():
            known = sorted(code for code in postcodes if code)
            (by_postcode[known[0]] if known else unplaced).append(identity)
        groups = list(by_postcode.values())
        for group in groups:
            links.extend(chain(group, (("field", "address"),)))
        if len(groups) <= 1:  # no postcode contradicts: the unplaced ones join the one place
            links.extend(chain([*unplaced, *(groups[0][:1] if groups else [])], (("field", "address"),)))
    return links
