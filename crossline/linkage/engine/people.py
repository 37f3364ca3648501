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

from crossline.linkage.engine.names import address_key, forename_key, house_numbers, postcode_sector
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
    ("numbers", pa.string()), ("lines", pa.list_(pa.string())),
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
    # A million records hold far fewer distinct dates, postcodes, addresses and line sets: each is worked
    # out once. An identity's first profile is kept without hashing it (most have one record).
    births: dict[date, tuple] = {}
    sectors: dict[str, str | None] = {}
    numbers_of: dict[str, str | None] = {}
    lines_of: dict[int, tuple | None] = {}
    person_lines = snapshot.lines
    first: dict[int, tuple] = {}
    more: dict[int, set[tuple]] = {}
    rows = []
    for record in snapshot.records:
        identity = record.identity
        if wanted is not None and identity not in wanted:
            continue
        (forenames_key, surname_key, alias_keys, born, age_estimate, gender, pnc_key, phones, address, postcode,
         district) = record.values
        forename = forename_key(forenames_key)
        surname = surname_key or None
        key = address_key(address) if address else None
        if (key and key in addresses_never) or (postcode and postcode in postcodes_never):
            key = postcode = district = None
        if not phones:
            usable_phones = None
        elif len(phones) == 1:
            usable_phones = None if phones[0] in phones_never else (phones[0],)
        else:
            usable_phones = tuple(sorted(number for number in phones if number not in phones_never)) or None
        if born is not None:
            birth = births.get(born)
            if birth is None:
                birth = births[born] = (born.isoformat(), born.year, born.month, born.day, (born - EPOCH).days,
                                        born.year, born.year)
        elif age_estimate is not None:
            # An estimate "17" on a return ending in 2026 means born in 2008 or 2009.
            year_max = record.period_end.year - age_estimate
            birth = (None, None, None, None, None, year_max - 1, year_max)
        else:
            birth = _NO_BIRTH
        if key:
            numbers = numbers_of.get(key, _UNSEEN)
            if numbers is _UNSEEN:
                numbers = numbers_of[key] = house_numbers(key)
        else:
            numbers = None
        if postcode:
            sector = sectors.get(postcode, _UNSEEN)
            if sector is _UNSEEN:
                sector = sectors[postcode] = postcode_sector(postcode)
        else:
            postcode, sector = None, None
        if identity in person_lines:
            on_lines = lines_of.get(identity, _UNSEEN)
            if on_lines is _UNSEEN:
                on_lines = lines_of[identity] = tuple(sorted({line_entities[line] for line in person_lines[identity]
                                                              if line in line_entities})) or None
        else:
            on_lines = None
        profile = (
            identity, forename, surname, f"{forename} {surname}" if forename and surname else None,
            tuple(sorted(set(alias_keys))) or None if alias_keys else None,
            *birth, gender or None, pnc_key or None, usable_phones, postcode, sector, district or None, key,
            numbers, on_lines,
        )
        kept = first.get(identity)
        if kept is None:
            first[identity] = profile
        elif kept == profile:
            continue
        else:
            others = more.setdefault(identity, set())
            if profile in others:
                continue
            others.add(profile)
        rows.append(profile)
    return [(number, *row) for number, row in enumerate(rows)]


_UNSEEN = object()
_NO_BIRTH = (None, None, None, None, None, None, None)


def profile_table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    # Arrow takes the tuples of the list columns as they are.
    return pa.Table.from_arrays([pa.array(values, type=SCHEMA.field(name).type)
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
        # One adjacent transposition (1998 and 1989, day 12 and 21): one Damerau-Levenshtein
        # edit that plain Levenshtein counts as two. A common slip, and rare between two people.
        cll.And(cll.CustomLevel(both_dates), cll.DamerauLevenshteinLevel("dob", 1),
                cll.Not(cll.LevenshteinLevel("dob", 1))).configure(
            label_for_charts="Two digits of the date of birth swapped"),
        # Any other single keystroke (1980 and 1989): as likely between two people of an age.
        cll.And(cll.CustomLevel(both_dates), cll.DamerauLevenshteinLevel("dob", 1)).configure(
            label_for_charts="Date of birth one keystroke apart"),
        cll.CustomLevel("birth_year_min_l <= birth_year_max_r + 1 AND birth_year_min_r <= birth_year_max_l + 1"
                        f" AND NOT ({both_dates})",
                        label_for_charts="Age estimate consistent with the other's date of birth or age"),
        cll.CustomLevel(f"{both_dates} AND dob_year_l = dob_year_r", label_for_charts="Same year of birth"),
        cll.ElseLevel().configure(label_for_charts="Different dates of birth or ages"),
    ])


# Two addresses whose house or flat numbers contradict: each side has numbers, and neither side's
# numbers are the other's with more added ("flat 2 10" holds "10": a flat of that house).
# concat and instr read alike in DuckDB and Spark.
NUMBERS_CONTRADICT = (
    "numbers_l IS NOT NULL AND numbers_r IS NOT NULL"
    " AND instr(concat(' ', numbers_l, ' '), concat(' ', numbers_r, ' ')) = 0"
    " AND instr(concat(' ', numbers_r, ' '), concat(' ', numbers_l, ' ')) = 0"
)


def location_comparison(*, house_numbers: bool = False) -> cl.CustomComparison:
    """Postcode and address as one comparison (linkage-notes.md, "v2"): they say the same thing,
    and counting them as independent evidence links neighbours and co-residents.

    With `house_numbers` (a `numbers` column: names.house_numbers), addresses whose numbers
    contradict are a level of their own, ahead of the postcode levels: "1 High Street" and
    "5 High Street" share a postcode and differ by one keystroke, and are two places."""
    levels = [
        cll.CustomLevel("(postcode_l IS NULL AND address_l IS NULL) OR (postcode_r IS NULL AND address_r IS NULL)",
                        label_for_charts="No address on one side").configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("address")).configure(
            label_for_charts="Same postcode and address"),
    ]
    if house_numbers:
        levels.append(cll.CustomLevel(NUMBERS_CONTRADICT, label_for_charts="Different house or flat number"))
    levels += [
        cll.Or(cll.And(cll.ExactMatchLevel("postcode"), cll.DamerauLevenshteinLevel("address", 2)),
               cll.ExactMatchLevel("address")).configure(label_for_charts="Same address, written differently"),
        cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
        cll.ExactMatchLevel("sector").configure(label_for_charts="Same postcode sector"),
        cll.ExactMatchLevel("district").configure(label_for_charts="Same postcode district"),
        cll.ElseLevel().configure(label_for_charts="Different areas"),
    ]
    return cl.CustomComparison(output_column_name="location", comparison_description="Address and postcode",
                               comparison_levels=levels)


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
            # House numbers that contradict are two places: neighbours on one street are not one person.
            location_comparison(house_numbers=True),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ExactMatch("pnc"),
            cl.ArrayIntersectAtSizes("lines", [1]),
        ],
        additional_columns_to_retain=["identity"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )
