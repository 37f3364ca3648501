"""People: the values Splink compares, and the model that compares them.

One row per distinct *profile* of an identity (a force's person reference): the same reference
in six monthly returns is usually written the same way each month, so it is compared once; if
the force changed the record (a new phone, a corrected date of birth) each version is compared
and the identity keeps the strongest evidence.

The SQL in the custom levels uses only column arithmetic and comparison, which DuckDB and Spark
read alike, so one trained model serves both engines (linkage-notes.md §4: dialect strings).
Dates are ISO `yyyy-mm-dd` for the same reason.
"""

from datetime import date

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from crossline.linkage.engine.names import address_key, forename_key, postcode_sector
from crossline.linkage.engine.records import Snapshot

EPOCH = date(1970, 1, 1)

SCHEMA = pa.schema([
    ("unique_id", pa.int64()), ("identity", pa.int64()),
    ("forename", pa.string()), ("surname", pa.string()), ("full_name", pa.string()),
    ("aliases", pa.list_(pa.string())),
    ("dob", pa.string()), ("dob_year", pa.int32()), ("dob_month", pa.int32()), ("dob_day", pa.int32()),
    ("dob_days", pa.int32()), ("birth_year_min", pa.int32()), ("birth_year_max", pa.int32()),
    ("gender", pa.string()), ("pnc", pa.string()), ("phones", pa.list_(pa.string())),
    ("postcode", pa.string()), ("sector", pa.string()), ("district", pa.string()), ("address", pa.string()),
    ("lines", pa.list_(pa.string())),
])
COLUMNS = SCHEMA.names

# The fields an analyst sees weighed in the review queue, in the order shown, with their labels.
COMPARISONS = {
    "forename_surname": "Name", "aliases": "Street names (aliases)", "dob": "Date of birth or age",
    "gender": "Gender", "location": "Address and postcode", "phones": "Phone numbers", "pnc": "PNC id",
    "lines": "Deal lines they are on",
}


def profile_rows(snapshot: Snapshot, *, excluded: dict[str, set[str]] | None = None,
                 dropped: dict[str, set[str]] | None = None, identities=None,
                 line_entities: dict | None = None) -> list[tuple]:
    """One tuple (in COLUMNS order) per distinct profile of each identity, less excluded values.

    `excluded` and `dropped` map a field ("phone", "address", "postcode") to values never used
    as evidence: the analysts' exclusion list and the values a run found too common.
    `line_entities` maps a line identity (force, ref) to its resolved line: two forces' people
    on one deal line are associates of one gang, which a shared name alone cannot say.
    """
    line_entities = line_entities or {}
    never = {field: set(values) for field, values in (excluded or {}).items()}
    for field, values in (dropped or {}).items():
        never.setdefault(field, set()).update(values)
    phones_never, addresses_never = never.get("phone", set()), never.get("address", set())
    postcodes_never = never.get("postcode", set())
    wanted = None if identities is None else set(identities)
    seen: set[tuple] = set()
    rows = []
    for record in snapshot.records:
        if wanted is not None and record.identity not in wanted:
            continue
        (forenames_key, surname_key, alias_keys, born, age_estimate, gender, pnc_key, phones, address, postcode,
         district) = record.values
        forename = forename_key(forenames_key)
        surname = surname_key or None
        key = address_key(address) if address else None
        if (key and key in addresses_never) or (postcode and postcode in postcodes_never):
            key = postcode = district = None
        usable_phones = tuple(sorted(number for number in phones if number not in phones_never)) or None
        if born is not None:
            year_min = year_max = born.year
        elif age_estimate is not None:
            # An estimate "17" on a return ending in 2026 means born in 2008 or 2009.
            year_max = record.period_end.year - age_estimate
            year_min = year_max - 1
        else:
            year_min = year_max = None
        profile = (
            record.identity, forename, surname, f"{forename} {surname}" if forename and surname else None,
            tuple(sorted(set(alias_keys))) or None,
            born.isoformat() if born else None, born.year if born else None, born.month if born else None,
            born.day if born else None, (born - EPOCH).days if born else None, year_min, year_max,
            gender or None, pnc_key or None, usable_phones, postcode or None, postcode_sector(postcode or ""),
            district or None, key,
            tuple(sorted({line_entities[line] for line in snapshot.lines.get(record.identity, ())
                          if line in line_entities})) or None,
        )
        if profile in seen:
            continue
        seen.add(profile)
        rows.append(profile)
    return [(number, *row) for number, row in enumerate(rows)]


def profile_table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.Table.from_arrays(
        [pa.array([list(v) if isinstance(v, tuple) else v for v in values] if SCHEMA.field(name).type
                  == pa.list_(pa.string()) else list(values), type=SCHEMA.field(name).type)
         for name, values in zip(COLUMNS, columns, strict=True)], schema=SCHEMA)


def _dob_comparison() -> cl.CustomComparison:
    both_dates = "dob_days_l IS NOT NULL AND dob_days_r IS NOT NULL"
    return cl.CustomComparison(output_column_name="dob", comparison_description="Date of birth or age", comparison_levels=[
        cll.NullLevel("birth_year_min").configure(label_for_charts="No date of birth or age on one side"),
        cll.ExactMatchLevel("dob").configure(label_for_charts="Same date of birth"),
        cll.CustomLevel(
            f"{both_dates} AND ((dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r)"
            " OR (dob_days_l - dob_days_r BETWEEN -1 AND 1))",
            label_for_charts="Day and month swapped, or a day apart"),
        cll.And(cll.CustomLevel(both_dates), cll.DamerauLevenshteinLevel("dob", 1)).configure(
            label_for_charts="Date of birth one keystroke apart"),
        cll.CustomLevel("birth_year_min_l <= birth_year_max_r + 1 AND birth_year_min_r <= birth_year_max_l + 1"
                        f" AND NOT ({both_dates})",
                        label_for_charts="Age estimate consistent with the other's date of birth or age"),
        cll.CustomLevel(f"{both_dates} AND dob_year_l = dob_year_r", label_for_charts="Same year of birth"),
        cll.ElseLevel().configure(label_for_charts="Different dates of birth or ages"),
    ])


def location_comparison() -> cl.CustomComparison:
    """Postcode and address as one comparison (linkage-notes.md, "v2"): they say the same thing,
    and counting them as independent evidence links neighbours and co-residents."""
    return cl.CustomComparison(output_column_name="location", comparison_description="Address and postcode",
                               comparison_levels=[
        cll.CustomLevel("(postcode_l IS NULL AND address_l IS NULL) OR (postcode_r IS NULL AND address_r IS NULL)",
                        label_for_charts="No address on one side").configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("address")).configure(
            label_for_charts="Same postcode and address"),
        cll.Or(cll.And(cll.ExactMatchLevel("postcode"), cll.DamerauLevenshteinLevel("address", 2)),
               cll.ExactMatchLevel("address")).configure(label_for_charts="Same address, written differently"),
        cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
        cll.ExactMatchLevel("sector").configure(label_for_charts="Same postcode sector"),
        cll.ExactMatchLevel("district").configure(label_for_charts="Same postcode district"),
        cll.ElseLevel().configure(label_for_charts="Different areas"),
    ])


def settings() -> SettingsCreator:
    """The people model's shape; `crossline resolve --train` estimates its parameters."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-4,
        blocking_rules_to_generate_predictions=[
            block_on("forename", "dob"),
            block_on("surname", "dob"),
            block_on("forename", "surname"),
            CustomRule("l.forename = r.surname AND l.surname = r.forename"),
            # Each rule must stay selective at millions of people: a surname and a year of birth
            # alone pairs 20 million records at a million (linkage_scale.py); with an initial, few.
            block_on("surname", "birth_year_min", "substr(forename, 1, 1)"),
            block_on("pnc"),
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("postcode", "substr(forename, 1, 1)"),
            block_on("address", "substr(surname, 1, 1)"),
            block_on("address", "birth_year_min"),
            block_on("postcode", "birth_year_min"),
            block_on("aliases", "birth_year_min", "gender", arrays_to_explode=["aliases"]),
            block_on("dob", "district"),
            # Typos in both names (Jordan Pryce, Jordon Price) defeat every name rule above; the
            # same date of birth with the same surname initial still meets. (Not the same deal line
            # and initial: that pairs every runner of a big line, and near-identical names on one
            # line with different dates of birth are brothers, not typos.)
            block_on("dob", "substr(surname, 1, 1)"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison("forename", "surname", forename_surname_concat_col_name="full_name"),
            cl.ArrayIntersectAtSizes("aliases", [1]),
            _dob_comparison(),
            cl.ExactMatch("gender"),
            location_comparison(),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ExactMatch("pnc"),
            cl.ArrayIntersectAtSizes("lines", [1]),
        ],
        additional_columns_to_retain=["identity"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )
