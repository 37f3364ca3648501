"""One very large valid return, for ingest benchmarks: `write_single_return(1_000_000, path, "xlsx")`
writes one West Yorkshire return with that many lines, people and locations, streamed row by row
so memory stays flat whatever the size."""

import random
from datetime import date, timedelta
from pathlib import Path

from crossline.synthetic.identifiers import MOBILE_CAPACITY, mobile_number, pnc_id, postcode, uprn
from crossline.synthetic.refdata import geography
from crossline.synthetic.reporting import force_style
from crossline.synthetic.world import BRANDS, name_pools, periods_before
from crossline.synthetic.writers import Rendering, ReturnWriter

FORCE = "E23000010"  # West Yorkshire
IMPORTING = ("E23000009", "E23000012", "E23000020")  # North Yorkshire, Humberside, Lincolnshire
LOCATION_TYPES = ("cuckooed_address", "trap_house", "stash", "deal_site", "hotel")
PHONE_SHARE = 4  # one row in four of lines and of people has a phone: 2 x 250,000 numbers at 1M rows


def write_single_return(n_rows: int, path: str | Path, form: str = "xlsx", *, seed: int = 0,
                        as_of: date | None = None) -> dict[str, int]:
    """Write one valid return with `n_rows` rows in each of lines, people and locations."""
    if -(-n_rows // PHONE_SHARE) * 2 > MOBILE_CAPACITY:
        raise ValueError(f"at most {MOBILE_CAPACITY * PHONE_SHARE // 2:,} rows: the fictional number pool would run out")
    period = periods_before(as_of or date.today(), 1)[0]
    pools, geo = name_pools(seed), geography()
    style = force_style(seed, geo, FORCE)
    rng = random.Random(f"{seed}/bulk")  # noqa: S311 - synthetic data
    districts = [(d, c) for council in geo.councils_by_force[FORCE] for d, c in geo.districts_by_council[council]]
    district_names, district_weights = [d for d, _ in districts], [c for _, c in districts]
    towns = [geo.councils[code].town for code in geo.councils_by_force[FORCE]]
    header = {"format_version": 1, "force": FORCE, "period_start": period.start, "period_end": period.end,
              "submitted_by": "DS Benchmark, Force Intelligence Bureau",
              "contact_email": "county-lines.fib@west-yorkshire.police.example"}
    sheets = ("lines", "people", "locations")
    with ReturnWriter(path, form, header=header, rendering=Rendering(), sheets=sheets) as writer:
        grading = {"source_eval": "R", "intel_assessment": "2", "handling_code": "P"}
        for i in range(n_rows):
            writer.add("lines", {
                "line_ref": style.ref("L", i), "line_name": rng.choice(BRANDS),
                "deal_numbers": [mobile_number(i // PHONE_SHARE)] if i % PHONE_SHARE == 0 else [],
                "exporting_area": FORCE, "importing_areas": [rng.choice(IMPORTING)],
                "drugs": ["crack_cocaine", "heroin"], "status": "active", "first_reported": period.start,
                "last_reported": period.end, **grading,
            })
        phone_base = -(-n_rows // PHONE_SHARE)  # after the lines' numbers
        for i in range(n_rows):
            age = rng.randint(14, 60)
            child = age < 18
            gender = "male" if rng.random() < 0.8 else "female"
            dob = period.end - timedelta(days=365 * age + age // 4 + rng.randrange(1, 360))
            district = rng.choices(district_names, district_weights)[0]
            writer.add("people", {
                "person_ref": style.ref("P", i), "surname": rng.choice(pools["surname"]),
                "forenames": rng.choice(pools[gender]), "date_of_birth": dob, "gender": gender,
                "pnc_id": pnc_id(dob.year + 15, rng.randint(1, 999_999)) if not child and rng.random() < 0.5 else None,
                "phone_numbers": [mobile_number(phone_base + i // PHONE_SHARE)] if i % PHONE_SHARE == 1 else [],
                "address": f"{rng.randint(1, 180)} {rng.choice(pools['street'])}, {rng.choice(towns)}",
                "postcode": postcode(rng, district), "roles": ["runner" if child else "user"],
                "line_refs": [style.ref("L", rng.randrange(n_rows))], "vulnerable": child,
                "vulnerability_factors": ["under_18"] if child else [], **grading,
            })
        for i in range(n_rows):
            district = rng.choices(district_names, district_weights)[0]
            writer.add("locations", {
                "location_ref": style.ref("A", i), "type": rng.choice(LOCATION_TYPES),
                "address": f"{rng.randint(1, 180)} {rng.choice(pools['street'])}, {rng.choice(towns)}",
                "postcode": postcode(rng, district), "uprn": uprn(rng) if rng.random() < 0.3 else None,
                "line_refs": [style.ref("L", rng.randrange(n_rows))],
                "person_refs": [style.ref("P", rng.randrange(n_rows))], "first_reported": period.start,
                "last_reported": period.end, **grading,
            })
        counts = dict(writer.counts)
    return counts
