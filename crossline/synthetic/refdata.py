"""The reference geography the generator draws places from, read straight from the CSV files in
crossline/reference/data/ (not the database), so that generating data needs no Django set-up."""

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from crossline.reference.postcodes import normalise_postcode

DATA_DIR = Path(__file__).resolve().parent.parent / "reference" / "data"
BTP = "BTP"


@dataclass(frozen=True)
class Force:
    code: str
    name: str  # ONS area name, e.g. "West Yorkshire"
    force_name: str  # e.g. "West Yorkshire Police"
    slug: str  # data.police.uk id, e.g. "west-yorkshire"


@dataclass(frozen=True)
class Council:
    """A current local authority district and the upper tier that runs its children's services."""

    code: str
    name: str
    force: str
    upper_tier_code: str
    upper_tier_name: str

    @property
    def town(self) -> str:
        """How an address names the place: "Kingston upon Hull", not "Kingston upon Hull, City of"."""
        return self.name.split(",")[0]


@dataclass
class Geography:
    forces: dict[str, Force]
    councils: dict[str, Council]
    councils_by_force: dict[str, list[str]] = field(default_factory=dict)
    # For each council, its postcode districts and their postcode counts (the weights to draw by).
    districts_by_council: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def force(self, code: str) -> Force:
        return self.forces[code]

    def territorial_codes(self) -> list[str]:
        return sorted(code for code in self.forces if code != BTP)

    def council_weight(self, council_code: str) -> int:
        return sum(count for _district, count in self.districts_by_council.get(council_code, ()))


def _rows(name: str):
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file)


@cache
def geography() -> Geography:
    forces = {
        row["pfa_code"]: Force(row["pfa_code"], row["pfa_name_ons"], row["force_name"], row["police_uk_force_id"])
        for row in _rows("police_force_areas_ew.csv")
    }
    forces[BTP] = Force(BTP, "British Transport Police", "British Transport Police", "btp")
    councils = {
        row["lad_code"]: Council(row["lad_code"], row["lad_name"], row["pfa_code"], row["utla_code"],
                                 row["utla_name"])
        for row in _rows("lad_to_pfa_ew_current.csv")
    }
    geo = Geography(forces=forces, councils=councils)
    for code, council in sorted(councils.items()):
        geo.councils_by_force.setdefault(council.force, []).append(code)
    for row in _rows("postcode_district_to_lad_pfa_weighted_ew.csv"):
        # The file is a 2022 snapshot that keeps retired districts (W1Y, NPT): skip any a
        # postcode written today could not have.
        if row["lad_code"] in councils and normalise_postcode(f"{row['postcode_district']} 1AB"):
            geo.districts_by_council.setdefault(row["lad_code"], []).append(
                (row["postcode_district"], int(row["postcode_count"])))
    for districts in geo.districts_by_council.values():
        districts.sort()
    return geo
