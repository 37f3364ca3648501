"""The spill keeps a return's table rows on disk until the return is stored: every row comes back,
in order, as it went in, whether its batch was written with marshal or (for a value marshal does
not do) with pickle."""

from decimal import Decimal

from crossline.returns import records
from crossline.returns.bulk import Spill


def test_rows_come_back_in_order_from_marshal_and_pickle_batches():
    people, links = records.TABLES["people"], records.LINK_TABLE
    plain = [(n, f"WY-P-{n}", "R", n % 2 == 0, None, 1.5, "é ; \x00") for n in range(2_500)]
    unusual = [(7, Decimal("12.50"), "x")]  # marshal cannot write a Decimal: this batch is pickled
    with Spill() as spill:
        spill.add(people, plain[:1_000])
        spill.add(links, [("people", "WY-P-1", "lines", "WY-L-1")])
        spill.add(people, unusual)
        spill.add(people, plain[1_000:])
        assert spill.counts[people] == 2_501
        assert list(spill.rows(people)) == plain[:1_000] + unusual + plain[1_000:]
        assert list(spill.rows(links)) == [("people", "WY-P-1", "lines", "WY-L-1")]
        assert list(spill.rows(records.TABLES["events"])) == []
        assert list(spill.rows(people))[1_000][1] == Decimal("12.50")  # read again: the same
