"""Entities as rows `force_code,sheet,ref,entity_id`: the shape of the synthetic generator's
truth.csv, so that resolution can be scored with a join (`crossline evaluate`)."""

import csv
from collections.abc import Iterator
from pathlib import Path

from crossline.linkage.engine.records import SHEETS
from crossline.linkage.models import EntityMember

HEADER = ("force_code", "sheet", "ref", "entity_id")


def entity_rows() -> Iterator[tuple[str, str, str, str]]:
    """One row per force reference (every stored record of it is in the same entity)."""
    members = (EntityMember.objects.order_by("kind", "force_id", "ref").values_list("kind", "force_id", "ref",
                                                                                   "entity_id").distinct())
    for kind, force, ref, entity in members.iterator(chunk_size=20_000):
        yield force, SHEETS[kind], ref, f"{kind}-{entity}"


def entities_csv_write(path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for row in entity_rows():
            writer.writerow(row)
            count += 1
    return count
