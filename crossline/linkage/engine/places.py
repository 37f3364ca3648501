"""Locations: the values Splink compares and the model that compares them.

Postcode and address are one comparison (see people.location_comparison): correlated fields
counted as independent evidence link neighbours. Within it, house and flat numbers that
contradict keep two places apart however alike the rest of the address is. A UPRN, where both
sides give one, decides on its own (deterministic.py); its disagreement still counts against a
pair here.
"""

import pyarrow as pa
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from crossline.linkage.engine.names import address_key, house_numbers, postcode_sector
from crossline.linkage.engine.people import location_comparison
from crossline.linkage.engine.records import Snapshot

SCHEMA = pa.schema([
    ("unique_id", pa.int64()), ("identity", pa.int64()), ("type", pa.string()), ("address", pa.string()),
    ("street", pa.string()), ("postcode", pa.string()), ("sector", pa.string()), ("district", pa.string()),
    ("uprn", pa.string()), ("numbers", pa.string()),
])
COLUMNS = SCHEMA.names
COMPARISONS = {"location": "Address and postcode", "type": "Kind of place", "uprn": "UPRN"}


def profile_rows(snapshot: Snapshot, *, excluded: dict[str, set[str]] | None = None) -> list[tuple]:
    never = excluded or {}
    addresses_never, postcodes_never = never.get("address", set()), never.get("postcode", set())
    seen: set[tuple] = set()
    rows = []
    for record in snapshot.records:
        kind, address, postcode, district, uprn = record.values
        key = address_key(address) if address else None
        if (key and key in addresses_never) or (postcode and postcode in postcodes_never):
            continue  # an excluded place (a custody suite, a hospital) is never matched by address
        # The house number and street, for blocking when postcodes are missing or mistyped.
        street = " ".join(key.split()[:3]) if key else None
        profile = (record.identity, kind or None, key, street, postcode or None, postcode_sector(postcode or ""),
                   district or None, uprn or None, house_numbers(key))
        if profile not in seen:
            seen.add(profile)
            rows.append(profile)
    return [(number, *row) for number, row in enumerate(rows)]


def profile_table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.Table.from_arrays([pa.array(list(values), type=SCHEMA.field(name).type)
                                 for name, values in zip(COLUMNS, columns, strict=True)], schema=SCHEMA)


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-4,
        blocking_rules_to_generate_predictions=[
            block_on("postcode"), block_on("address"), block_on("street", "district"), block_on("uprn"),
        ],
        comparisons=[location_comparison(house_numbers=True), cl.ExactMatch("type"), cl.ExactMatch("uprn")],
        additional_columns_to_retain=["identity"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )


PRIOR_RULES = [block_on("postcode", "address"), block_on("uprn")]
EM_RULES = [block_on("street"), block_on("postcode")]
