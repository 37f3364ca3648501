"""Independent acceptance returns for the national return format v1, with known truth.

Written from docs/return-format-v1.md alone (not from Crossline's readers or generator), so that a
disagreement between this file and the product is worth a look.

    python acceptance/make_returns.py --out DIR [--seed 11]

writes into DIR:
  valid/      four forces' October 2026 returns: West Yorkshire (.xlsx), North Yorkshire (.zip of
              CSV), Merseyside (.json, for the API) and Cumbria (.json, for the CLI)
  probe/      one return that is valid by my reading of the spec but leans on its looser corners
  invalid/    returns that must be rejected, and the hostile files
  truth.csv   force_code,sheet,ref,entity_id: which records across forces are the same thing
  crossover.csv  exporting_force,importing_force,entity_id: which lines run from where to where
  manifest.json  every file: how to submit it, as whom, and (invalid ones) the errors expected

Everything is synthetic: Ofcom drama numbers (07700 900000-900999), invented names and addresses.
"""

# ruff: noqa: S311  (seeded random only shuffles synthetic test data)
import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl

D = dt.date
PERIOD = (D(2026, 10, 1), D(2026, 10, 31))
SEPT = (D(2026, 9, 1), D(2026, 9, 30))
AUG = (D(2026, 8, 1), D(2026, 8, 31))

SHEETS = {
    "lines": ["line_ref", "line_name", "deal_numbers", "exporting_area", "importing_areas", "drugs", "status",
              "closure_type", "first_reported", "last_reported", "violence", "weapons", "source_eval",
              "intel_assessment", "handling_code", "handling_conditions", "notes"],
    "people": ["person_ref", "surname", "forenames", "aliases", "date_of_birth", "age_estimate", "gender", "pnc_id",
               "phone_numbers", "address", "postcode", "roles", "line_refs", "vulnerable", "vulnerability_factors",
               "looked_after_by", "nrm_status", "safeguarding_actions", "source_eval", "intel_assessment",
               "handling_code", "handling_conditions", "notes"],
    "locations": ["location_ref", "type", "address", "postcode", "uprn", "line_refs", "person_refs",
                  "first_reported", "last_reported", "source_eval", "intel_assessment", "handling_code",
                  "handling_conditions", "notes"],
    "vehicles": ["vehicle_ref", "vrm", "make", "model", "colour", "line_refs", "person_refs", "source_eval",
                 "intel_assessment", "handling_code", "handling_conditions"],
    "events": ["event_ref", "date", "type", "postcode", "location_ref", "line_refs", "person_refs", "drug",
               "quantity_grams", "cash_gbp", "weapon", "description", "source_eval", "intel_assessment",
               "handling_code", "handling_conditions"],
}
REF_COLUMN = {"lines": "line_ref", "people": "person_ref", "locations": "location_ref", "vehicles": "vehicle_ref",
              "events": "event_ref"}
COND = "Not to be shared outside policing without the FIB's consent"


class UKDate:
    """A date the submitter typed as text in UK order (DD/MM/YYYY)."""

    def __init__(self, y, m, d):
        self.date = D(y, m, d)

    def text(self):
        return self.date.strftime("%d/%m/%Y")


def pnc(year, number):
    """A PNC id with its check letter (the id is only the format in the spec; the product also checks
    the letter, so the main set carries correct ones and the spec's own example is probed separately)."""
    return f"{year}/{number}" + "ZABCDEFGHJKLMNPQRTUVWXY"[int(year + number.zfill(7)) % 23]


def g(source="R", intel="2", code="P"):
    """Intelligence grading; C carries its conditions."""
    out = {"source_eval": source, "intel_assessment": intel, "handling_code": code}
    if code == "C":
        out["handling_conditions"] = COND
    return out


# --------------------------------------------------------------------------------------------
# The October returns. `_truth` on a record names the real-world thing it describes.
# --------------------------------------------------------------------------------------------

def west_yorkshire():
    return {
        "return": {"format_version": 1, "force": "E23000010", "period_start": PERIOD[0], "period_end": PERIOD[1],
                   "submitted_by": "DS Ama Boateng, Force Intelligence Bureau",
                   "contact_email": "fib.returns@westyorkshire.example.police.uk"},
        "lines": [
            {"line_ref": "WY-L-0042", "line_name": "JAY", "deal_numbers": ["07700 900123"],
             "exporting_area": "E23000010", "importing_areas": ["E23000009"], "drugs": ["crack_cocaine", "heroin"],
             "status": "active", "first_reported": D(2026, 3, 2), "last_reported": UKDate(2026, 10, 28),
             "violence": "Y", "weapons": ["knife"], **g("R", "2"), "_truth": "line:JAY"},
            {"line_ref": "WY-L-0051", "deal_numbers": ["07700900321"], "exporting_area": "Leeds",
             "importing_areas": ["York"], "drugs": ["heroin"], "status": "Active",
             "first_reported": UKDate(2026, 6, 15), **g("U", "3"), "notes": "Name not yet known",
             "_truth": "line:DEE"},
            {"line_ref": "WY-L-0060", "line_name": "K-LINE", "deal_numbers": ["07700 900611", "07700 900612"],
             "exporting_area": "Bradford", "importing_areas": ["Lancashire"], "drugs": ["cocaine", "ketamine"],
             "status": "dormant", "violence": "n", **g("R", "3", "C"), "_truth": "line:KLINE"},
        ],
        "people": [
            {"person_ref": "WY-P-1001", "surname": "Oyelaran", "forenames": "Marcus", "aliases": ["Mz"],
             "date_of_birth": UKDate(1998, 1, 20), "gender": "male", "pnc_id": pnc("17", "123456"),
             "phone_numbers": ["07700 900201"], "roles": ["line_holder", "controller"], "line_refs": ["WY-L-0042"],
             "vulnerable": "N", **g("R", "2"), "_truth": "person:MARCUS"},
            {"person_ref": "WY-P-1002", "surname": "Mensah", "forenames": "Tyrese", "date_of_birth": D(2009, 4, 11),
             "gender": "male", "phone_numbers": ["+44 7700 900555"], "address": "14 Oak Terrace, Leeds",
             "postcode": "LS9 8AB", "roles": ["runner"], "line_refs": ["WY-L-0042"], "vulnerable": "Y",
             "vulnerability_factors": ["under_18", "missing_episodes", "excluded_from_school"],
             "nrm_status": "referred", "safeguarding_actions": "Strategy meeting 12/10; NRM referral made",
             **g("R", "2"), "_truth": "person:TYRESE"},
            {"person_ref": "WY-P-1003", "surname": "Brooks", "forenames": "Kayden", "age_estimate": 17,
             "gender": "male", "roles": ["Runner"], "line_refs": ["WY-L-0051"], "vulnerable": "yes",
             "vulnerability_factors": ["under 18", "care-leaver"], **g("U", "3"), "_truth": "person:KAYDEN"},
            {"person_ref": "WY-P-1004", "surname": "Smith", "forenames": "John", "date_of_birth": D(1985, 5, 5),
             "gender": "male", "postcode": "bd3 9zz", "roles": ["user"], "line_refs": ["WY-L-0060"],
             "vulnerable": "N", **g("U", "3"), "_truth": "person:JSMITH_WY"},
            {"person_ref": "WY-P-1005", "surname": "Haddad", "forenames": "Amira", "date_of_birth": D(2001, 12, 2),
             "gender": "female", "roles": ["recruiter", "associate"], "line_refs": ["WY-L-0060"],
             "vulnerable": "N", **g("R", "3"), "_truth": "person:AMIRA"},
        ],
        "locations": [
            {"location_ref": "WY-A-201", "type": "cuckooed_address", "address": "FLAT 3, 12 HARROW ROAD, SCARBOROUGH",
             "postcode": "YO11 2AB", "line_refs": ["WY-L-0042"], "person_refs": ["WY-P-1002"],
             "first_reported": D(2026, 9, 20), **g("R", "2"), "_truth": "location:HARROW3"},
            {"location_ref": "WY-A-202", "type": "deal site", "address": "Car park, Ashfield Street, Leeds",
             "postcode": "LS9 7QQ", "line_refs": ["WY-L-0051"], **g("U", "3"), "_truth": "location:ASHFIELD"},
        ],
        "vehicles": [
            {"vehicle_ref": "WY-V-01", "vrm": "yx19abc", "make": "Audi", "model": "A3", "colour": "Black",
             "line_refs": ["WY-L-0042"], "person_refs": ["WY-P-1001"], **g("R", "2"), "_truth": "vehicle:YX19ABC"},
            {"vehicle_ref": "WY-V-02", "vrm": "YC66 PLM", "make": "Volkswagen", "model": "Golf", "colour": "Silver",
             "person_refs": ["WY-P-1005"], **g("U", "3"), "_truth": "vehicle:YC66PLM"},
        ],
        "events": [
            {"event_ref": "WY-E-9001", "date": D(2026, 10, 14), "type": "arrest", "location_ref": "WY-A-201",
             "person_refs": ["WY-P-1002"], "line_refs": ["WY-L-0042"], "description": "Arrested at address; safeguarded",
             **g("R", "1")},
            {"event_ref": "WY-E-9002", "date": UKDate(2026, 10, 14), "type": "drug seizure", "postcode": "YO11 2AB",
             "drug": "crack_cocaine", "quantity_grams": 12.5, "cash_gbp": 450, "line_refs": ["WY-L-0042"],
             **g("R", "1")},
        ],
    }


def north_yorkshire():
    return {
        "return": {"format_version": "1", "force": "North Yorkshire Police", "period_start": UKDate(2026, 10, 1),
                   "period_end": "2026-10-31", "submitted_by": "DC Rhys Calder, Intelligence Hub",
                   "contact_email": "intel.hub@northyorkshire.example.police.uk"},
        "lines": [
            {"line_ref": "NY-CL-7", "line_name": "Jay", "deal_numbers": ["+44 7700 900123"], "exporting_area": "Leeds",
             "importing_areas": ["North Yorkshire", "York"], "drugs": ["crack cocaine"], "status": "ACTIVE",
             "violence": "yes", "weapons": ["knife"], **g("R", "2"), "_truth": "line:JAY"},
            {"line_ref": "NY-CL-9", "line_name": "DEE", "deal_numbers": ["07700 900321"],
             "exporting_area": "West Yorkshire", "importing_areas": ["E06000014"], "drugs": ["heroin"],
             "status": "active", **g("U", "2"), "_truth": "line:DEE"},
            {"line_ref": "NY-CL-12", "line_name": "TOMMY", "deal_numbers": ["00447700900789"],
             "exporting_area": "Liverpool", "importing_areas": ["North Yorkshire"], "drugs": ["heroin", "crack_cocaine"],
             "status": "active", "first_reported": UKDate(2026, 7, 1), **g("R", "3"), "_truth": "line:TOMMY"},
            {"line_ref": "NY-CL-15", "line_name": "BLADE", "deal_numbers": ["07700 900950"],
             "exporting_area": "North Yorkshire", "importing_areas": ["York"], "status": "closed",
             "closure_type": "type2", "last_reported": "2026-10-03", **g("R", "2"), "_truth": "line:BLADE"},
        ],
        "people": [
            {"person_ref": "NY-N-301", "surname": "Mensah", "forenames": "Tyreese", "date_of_birth": "2009-11-04",
             "phone_numbers": ["07700900555"], "address": "Flat 3, 12 Harrow Rd", "postcode": "yo112ab",
             "roles": ["runner"], "line_refs": ["NY-CL-7"], "vulnerable": "Y",
             "vulnerability_factors": ["under_18", "missing_episodes"], **g("R", "2"), "_truth": "person:TYRESE"},
            {"person_ref": "NY-N-302", "surname": "OYELARAN", "forenames": "Marcus", "aliases": ["MZ", "Marky"],
             "date_of_birth": UKDate(1998, 1, 20), "pnc_id": pnc("17", "123456"), "phone_numbers": ["07700 900 201"],
             "roles": ["line-holder"], "line_refs": ["NY-CL-7"], "vulnerable": "n", **g("R", "2"),
             "_truth": "person:MARCUS"},
            {"person_ref": "NY-N-305", "surname": "Ní Bhriain", "forenames": "Siobhán", "date_of_birth": "1979-08-30",
             "gender": "female", "address": "Flat 3, 12 Harrow Road, Scarborough", "postcode": "YO11 2AB",
             "roles": ["cuckooed_occupant"], "vulnerable": "Y",
             "vulnerability_factors": ["cuckooed", "substance_dependency", "mental_health"],
             "safeguarding_actions": "Adult safeguarding referral to council", **g("R", "2"),
             "_truth": "person:SIOBHAN"},
            {"person_ref": "NY-N-306", "surname": "Smith", "forenames": "John", "date_of_birth": "17/09/1972",
             "postcode": "YO1 7HH", "roles": ["user"], "vulnerable": "N", **g("U", "3"),
             "_truth": "person:JSMITH_NY"},
            {"person_ref": "NY-N-307", "aliases": ["Little T"], "age_estimate": "14", "roles": ["runner"],
             "line_refs": ["NY-CL-12"], "vulnerable": "Y", "vulnerability_factors": ["under_18", "missing episodes"],
             **g("U", "3"), "_truth": "person:LITTLET"},
            {"person_ref": "NY-N-308", "surname": "Pryce", "forenames": "Jordan", "date_of_birth": "27/02/2003",
             "gender": "male", "roles": ["runner"], "line_refs": ["NY-CL-12"], "vulnerable": "Y",
             "vulnerability_factors": ["debt_bondage"], **g("R", "3"), "_truth": "person:JORDAN"},
        ],
        "locations": [
            {"location_ref": "NY-LOC-55", "type": "cuckooed_address", "address": "Flat 3 12 Harrow Rd, Scarborough",
             "postcode": "yo11 2ab", "line_refs": ["NY-CL-7"], "person_refs": ["NY-N-301", "NY-N-305"],
             **g("R", "2"), "_truth": "location:HARROW3"},
            {"location_ref": "NY-LOC-56", "type": "trap house", "address": "Flat 4, 12 Harrow Road, Scarborough",
             "postcode": "YO11 2AB", "line_refs": ["NY-CL-12"], **g("U", "3"), "_truth": "location:HARROW4"},
            {"location_ref": "NY-LOC-60", "type": "hotel", "address": "Minster View Hotel, Station Road, York",
             "postcode": "YO1 6AA", "line_refs": ["NY-CL-9"], **g("R", "3"), "_truth": "location:MINSTERVIEW"},
        ],
        "vehicles": [
            {"vehicle_ref": "NY-V-3", "vrm": "YX19 ABC", "make": "AUDI", "model": "A3", "colour": "black",
             "line_refs": ["NY-CL-7"], **g("R", "2"), "_truth": "vehicle:YX19ABC"},
        ],
        # No events sheet: it is optional.
    }


def merseyside():
    return {
        "return": {"format_version": 1, "force": "E23000004", "period_start": "2026-10-01", "period_end": "2026-10-31",
                   "submitted_by": "DS Niamh Corrigan, Matrix Intelligence",
                   "contact_email": "matrix.intel@merseyside.example.police.uk"},
        "lines": [
            {"line_ref": "MER-LN-1", "line_name": "BANDO", "deal_numbers": ["07700 900456"],
             "exporting_area": "E08000012", "importing_areas": ["E23000002"], "drugs": ["crack_cocaine", "heroin"],
             "status": "active", "violence": "Y", "weapons": ["firearm"], **g("R", "2", "C"), "_truth": "line:BANDO"},
            {"line_ref": "MER-LN-2", "line_name": "TOMMY", "deal_numbers": ["07700900789", "07700 900790"],
             "exporting_area": "Merseyside", "importing_areas": ["E23000009"], "status": "active",
             "first_reported": "2026-06-30", **g("R", "2"), "_truth": "line:TOMMY"},
            {"line_ref": "MER-LN-3", "line_name": "ZEDD", "deal_numbers": ["07700 900812"],
             "exporting_area": "Liverpool", "importing_areas": ["Wirral", "Sefton"], "drugs": ["cannabis", "spice"],
             "status": "active", **g("U", "3"), "_truth": "line:ZEDD"},
        ],
        "people": [
            {"person_ref": "MER-PR-11", "surname": "Dubois", "forenames": "Chloé", "aliases": ["Clo"],
             "date_of_birth": "02/06/2010", "gender": "female", "roles": ["runner"], "line_refs": ["MER-LN-1"],
             "vulnerable": "Y",
             "vulnerability_factors": ["under_18", "looked_after", "missing_episodes", "sexual_exploitation"],
             "looked_after_by": "Liverpool", "nrm_status": "positive_rg", **g("R", "2", "C"), "_truth": "person:CHLOE"},
            {"person_ref": "MER-PR-12", "surname": "Kirkby", "forenames": "Dwayne", "aliases": ["D-Money"],
             "date_of_birth": "1994-07-07", "gender": "male", "pnc_id": pnc("12", "98765"),
             "phone_numbers": ["+44 7700 900777"], "roles": ["controller"], "line_refs": ["MER-LN-1", "MER-LN-2"],
             "vulnerable": "N", **g("R", "2"), "_truth": "person:DWAYNE"},
            {"person_ref": "MER-PR-13", "surname": "Price", "forenames": "Jordon", "date_of_birth": "2003-02-27",
             "roles": ["runner"], "line_refs": ["MER-LN-2"], "vulnerable": "Y",
             "vulnerability_factors": ["debt_bondage"], **g("U", "2"), "_truth": "person:JORDAN"},
            {"person_ref": "MER-PR-15", "surname": "Oyelaran", "forenames": "Marcus", "aliases": ["Mz"],
             "date_of_birth": "20/01/1989", "gender": "male", "phone_numbers": ["447700900201"],
             "roles": ["associate"], "line_refs": ["MER-LN-2"], "vulnerable": "N", **g("U", "3"),
             "notes": "Seen with Kirkby in Liverpool; believed to be the WY line holder", "_truth": "person:MARCUS"},
            {"person_ref": "MER-PR-14", "surname": "Obi", "forenames": "Nathaniel", "date_of_birth": "1990-03-03",
             "roles": ["enforcer"], "line_refs": ["MER-LN-3"], "vulnerable": "N", **g("U", "3"),
             "_truth": "person:NATHANIEL"},
        ],
        "locations": [
            {"location_ref": "MER-LOC-4", "type": "trap_house", "address": "27 Dalton Street, Barrow-in-Furness",
             "postcode": "LA14 1QT", "uprn": "990012345678", "line_refs": ["MER-LN-1"], "person_refs": ["MER-PR-11"],
             **g("R", "2"), "_truth": "location:DALTON27"},
            {"location_ref": "MER-LOC-5", "type": "stash", "address": "Unit 9, Dock Road, Bootle", "postcode": "L20 8XY",
             "line_refs": ["MER-LN-3"], **g("U", "3"), "_truth": "location:DOCKRD9"},
        ],
        "vehicles": [
            {"vehicle_ref": "MER-V-1", "vrm": "KX68 ZZT", "make": "BMW", "model": "1 Series", "colour": "White",
             "person_refs": ["MER-PR-12"], "line_refs": ["MER-LN-1"], **g("R", "2"), "_truth": "vehicle:KX68ZZT"},
        ],
        "events": [
            {"event_ref": "MER-EV-1", "date": "2026-10-09", "type": "cash_seizure", "cash_gbp": 1200,
             "person_refs": ["MER-PR-12"], "line_refs": ["MER-LN-1"], **g("R", "1")},
            {"event_ref": "MER-EV-2", "date": "21/10/2026", "type": "weapon_seizure", "weapon": "firearm",
             "location_ref": "MER-LOC-5", "line_refs": ["MER-LN-3"], **g("R", "1")},
        ],
    }


def cumbria():
    return {
        "return": {"format_version": 1, "force": "Cumbria Constabulary", "period_start": "01/10/2026",
                   "period_end": "31/10/2026", "submitted_by": "PS Helen Varty, Force Intelligence",
                   "contact_email": "intelligence@cumbria.example.police.uk"},
        "lines": [
            {"line_ref": "CUM-0001", "line_name": "bando", "deal_numbers": ["+447700900456"],
             "exporting_area": "Liverpool", "importing_areas": ["Westmorland and Furness"],
             "drugs": ["heroin"], "status": "active", **g("R", "2"), "_truth": "line:BANDO"},
            {"line_ref": "CUM-0002", "line_name": "JAY", "deal_numbers": ["07700 900124"],
             "exporting_area": "Cumberland", "importing_areas": ["Westmorland and Furness"], "drugs": ["cannabis"],
             "status": "dormant", **g("U", "3"), "notes": "Local line, not the Leeds JAY line",
             "_truth": "line:JAY_CUMBRIA"},
        ],
        "people": [
            {"person_ref": "CUM-P-1", "surname": "Dubois", "forenames": "Chloe", "aliases": ["Clo"], "age_estimate": 16,
             "gender": "female", "roles": ["runner"], "line_refs": ["CUM-0001"], "vulnerable": "true",
             "vulnerability_factors": ["under_18", "looked_after"], "looked_after_by": "E08000012",
             **g("R", "2"), "_truth": "person:CHLOE"},
            {"person_ref": "CUM-P-2", "surname": "Kirby", "forenames": "Dwayne", "aliases": ["D Money"],
             "date_of_birth": "07/07/1994", "phone_numbers": ["07700900777"], "roles": ["controller"],
             "line_refs": ["CUM-0001"], "vulnerable": "false", **g("U", "3"), "_truth": "person:DWAYNE"},
            {"person_ref": "CUM-P-3", "surname": "Rowntree", "forenames": "Ellie", "date_of_birth": "1988-10-10",
             "gender": "female", "roles": ["cuckooed_occupant"], "vulnerable": "Y",
             "vulnerability_factors": ["cuckooed", "substance_dependency"], "address": "27 Dalton St, Barrow in Furness",
             "postcode": "LA14 1QT", **g("R", "2"), "_truth": "person:ELLIE"},
        ],
        "locations": [
            {"location_ref": "CUM-L-1", "type": "cuckooed_address", "address": "27 Dalton St, Barrow in Furness",
             "postcode": "la141qt", "uprn": "990012345678", "line_refs": ["CUM-0001"], "person_refs": ["CUM-P-3"],
             **g("R", "2"), "_truth": "location:DALTON27"},
        ],
        "vehicles": [
            {"vehicle_ref": "CUM-V-1", "vrm": "kx68zzt", "colour": "white", "person_refs": ["CUM-P-2"], **g("U", "2"),
             "_truth": "vehicle:KX68ZZT"},
            {"vehicle_ref": "CUM-V-2", "vrm": "LB07 QRS", "make": "Ford", "model": "Fiesta", **g("U", "3"),
             "_truth": "vehicle:LB07QRS"},
        ],
        "events": [],
    }


def cumbria_v2():
    """The same period again with one more vehicle: must supersede as version 2."""
    doc = cumbria()
    doc["return"]["submitted_by"] = "PS Helen Varty, Force Intelligence (corrected)"
    doc["vehicles"].append({"vehicle_ref": "CUM-V-3", "vrm": "PN21 KDW", "make": "Vauxhall", "model": "Corsa",
                            "line_refs": ["CUM-0002"], **g("U", "3"), "_truth": "vehicle:PN21KDW"})
    return doc


def bom_probe():
    """North Yorkshire, August: CSVs saved by Excel as 'CSV UTF-8', i.e. with a byte-order mark."""
    return {
        "return": {"format_version": 1, "force": "E23000009", "period_start": AUG[0], "period_end": AUG[1],
                   "submitted_by": "DC Rhys Calder", "contact_email": "intel.hub@northyorkshire.example.police.uk"},
        "lines": [{"line_ref": "BOM-L-1", "line_name": "MINSTER", "deal_numbers": ["07700 900931"],
                   "exporting_area": "York", "importing_areas": ["North Yorkshire"], "status": "active", **g()}],
        "people": [{"person_ref": "BOM-P-1", "surname": "Ølsen", "forenames": "Bjørn-Éric", "date_of_birth": "1970-01-01",
                    "roles": ["user"], "vulnerable": "N", **g()}],
        "locations": [],
    }


FORCE_CODES = {"west_yorkshire": "E23000010", "north_yorkshire": "E23000009", "merseyside": "E23000004",
               "cumbria": "E23000002"}
# Lines' truth: where each real line is run from and where it supplies (police force areas).
LINE_ROUTES = {
    "line:JAY": ("E23000010", ["E23000009"]),
    "line:DEE": ("E23000010", ["E23000009"]),
    "line:KLINE": ("E23000010", ["E23000003"]),
    "line:TOMMY": ("E23000004", ["E23000009"]),
    "line:BANDO": ("E23000004", ["E23000002"]),
    "line:ZEDD": ("E23000004", ["E23000004"]),
    "line:BLADE": ("E23000009", ["E23000009"]),
    "line:JAY_CUMBRIA": ("E23000002", ["E23000002"]),
}


# --------------------------------------------------------------------------------------------
# Writers: one return document to each of the three forms.
# --------------------------------------------------------------------------------------------

def _clean(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _json_value(value):
    if isinstance(value, UKDate):
        return value.text()
    if isinstance(value, D):
        return value.isoformat()
    return value


def write_json(doc, path):
    out = {"return": {k: _json_value(v) for k, v in doc["return"].items()}}
    for sheet in SHEETS:
        if sheet in doc:
            out[sheet] = [{k: _json_value(v) for k, v in _clean(r).items()} for r in doc[sheet]]
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


def _text_cell(value, rng):
    if value is None:
        return ""
    if isinstance(value, list):
        sep = rng.choice([";", "; ", " ; "])
        return sep.join(str(v) for v in value)
    if isinstance(value, UKDate):
        return value.text()
    if isinstance(value, D):
        return value.isoformat() if rng.random() < 0.5 else value.strftime("%d/%m/%Y")
    return str(value)


def _columns(sheet, rng, shuffle):
    cols = list(SHEETS[sheet])
    if shuffle:
        rng.shuffle(cols)  # column order does not matter
    return cols


def write_zip(doc, path, rng, *, shuffle=True, header_override=None, bom=False):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["field", "value"])
        for k, v in doc["return"].items():
            w.writerow([k, _text_cell(v, rng)])
        prefix = "\ufeff" if bom else ""
        zf.writestr("return.csv", (prefix + buf.getvalue()).encode("utf-8"))
        for sheet in SHEETS:
            if sheet not in doc:
                continue
            cols = _columns(sheet, rng, shuffle)
            header = [(header_override or {}).get((sheet, c), c) for c in cols]
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(header)
            for i, r in enumerate(doc[sheet]):
                w.writerow([_text_cell(r.get(c), rng) for c in cols])
                if i == 0 and len(doc[sheet]) > 1:
                    w.writerow([""] * len(cols))  # a blank row: ignored
            zf.writestr(f"{sheet}.csv", (prefix + buf.getvalue()).encode("utf-8"))


def _xlsx_cell(value, rng):
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, UKDate):
        return value.text()
    return value


def write_xlsx(doc, path, rng, *, shuffle=True, header_override=None, cell_override=None):
    """Dates given as date objects become real date cells; UKDate ones stay typed text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "return"
    ws.append(["field", "value"])
    for k, v in doc["return"].items():
        ws.append([k, _xlsx_cell(v, rng)])
    for cell in ws["B"]:
        if isinstance(cell.value, (dt.date, dt.datetime)):
            cell.number_format = "DD/MM/YYYY"
    for sheet in SHEETS:
        if sheet not in doc:
            continue
        ws = wb.create_sheet(sheet)
        cols = _columns(sheet, rng, shuffle)
        ws.append([(header_override or {}).get((sheet, c), c) for c in cols])
        for r in doc[sheet]:
            ws.append([_xlsx_cell(r.get(c), rng) for c in cols])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = "DD/MM/YYYY"
        for (osheet, row, col), value in (cell_override or {}).items():
            if osheet == sheet:
                ws.cell(row=row, column=cols.index(col) + 1, value=value)
    wb.save(path)
    return path


# --------------------------------------------------------------------------------------------
# Invalid returns: a small valid West Yorkshire September return, each copy broken on purpose.
# --------------------------------------------------------------------------------------------

def base_september():
    return {
        "return": {"format_version": 1, "force": "E23000010", "period_start": SEPT[0], "period_end": SEPT[1],
                   "submitted_by": "DS Ama Boateng, Force Intelligence Bureau",
                   "contact_email": "fib.returns@westyorkshire.example.police.uk"},
        "lines": [
            {"line_ref": "BAD-L-1", "line_name": "ROCKET", "deal_numbers": ["07700 900401"],
             "exporting_area": "Leeds", "importing_areas": ["York"], "status": "active",
             "first_reported": D(2026, 8, 1), **g()},
            {"line_ref": "BAD-L-2", "line_name": "VEE", "deal_numbers": ["07700 900402"],
             "exporting_area": "Bradford", "importing_areas": ["North Yorkshire"], "status": "active", **g()},
        ],
        "people": [
            {"person_ref": "BAD-P-1", "surname": "Calloway", "forenames": "Reece", "date_of_birth": D(1996, 2, 2),
             "phone_numbers": ["07700 900403"], "roles": ["line_holder"], "line_refs": ["BAD-L-1"],
             "vulnerable": "N", **g()},
            {"person_ref": "BAD-P-2", "surname": "Fenwick", "forenames": "Aaliyah", "date_of_birth": D(2000, 7, 7),
             "roles": ["runner"], "line_refs": ["BAD-L-2"], "vulnerable": "Y",
             "vulnerability_factors": ["debt_bondage"], **g()},
        ],
        "locations": [
            {"location_ref": "BAD-A-1", "type": "trap_house", "address": "5 Mill Lane, York", "postcode": "YO1 9AA",
             "line_refs": ["BAD-L-1"], "person_refs": ["BAD-P-2"], **g()},
        ],
        "vehicles": [
            {"vehicle_ref": "BAD-V-1", "vrm": "YD12 XYZ", "line_refs": ["BAD-L-1"], **g()},
        ],
        "events": [
            {"event_ref": "BAD-E-1", "date": D(2026, 9, 12), "type": "arrest", "person_refs": ["BAD-P-1"],
             "location_ref": "BAD-A-1", **g()},
        ],
    }


def E(sheet, row, *columns):
    """An expected error: sheet, row (None = any/header), acceptable columns."""
    return {"sheet": sheet, "row": row, "columns": list(columns)}


def invalid_cases(rng, out):
    cases = []

    def add(name, form, expected, *, channel="cli", note="", spec="", tolerate=()):
        cases.append({"file": f"invalid/{name}", "form": form, "channel": channel, "force": "E23000010",
                      "submitter": "submitter@westyorkshire.demo", "expected_errors": expected, "note": note,
                      "spec": spec, "tolerate": [list(t) for t in tolerate]})

    inv = out / "invalid"

    # 1. Wrong header: line_ref spelt line_reference.
    doc = base_september()
    write_xlsx(doc, inv / "wrong_header.xlsx", rng, header_override={("lines", "line_ref"): "line_reference"})
    add("wrong_header.xlsx", "xlsx", [E("lines", None, "line_reference"), E("lines", None, "line_ref")],
        tolerate=[("people", "line_refs"), ("locations", "line_refs"), ("vehicles", "line_refs"),
                  ("events", "line_refs")],
        note="lines header says line_reference instead of line_ref",
        spec="A required column that is missing, or a column the format does not know, rejects the return")

    # 2. Missing required fields (zip): lines row 2 exporting_area blank; people row 3 roles blank.
    doc = base_september()
    doc["lines"][0]["exporting_area"] = None
    doc["people"][1]["roles"] = None
    write_zip(doc, inv / "missing_required.zip", rng, shuffle=True)
    # write_zip puts a blank row after the first record: second record is on row 4.
    add("missing_required.zip", "zip", [E("lines", 2, "exporting_area"), E("people", 4, "roles")],
        note="lines row 2 exporting_area blank; people row 4 roles blank (row 3 is a blank row)",
        spec="A header row is row 1; data starts on row 2; blank rows are ignored.")

    # 3. Bad vocabulary (JSON, via API): lines item 0 status 'open'; people item 0 roles 'lookout';
    #    locations item 0 type 'crack den'.
    doc = base_september()
    doc["lines"][0]["status"] = "open"
    doc["people"][0]["roles"] = ["line_holder", "lookout"]
    doc["locations"][0]["type"] = "crack den"
    write_json(doc, inv / "bad_vocabulary.json")
    add("bad_vocabulary.json", "json", [E("lines", 2, "status"), E("people", 2, "roles"), E("locations", 2, "type")],
        channel="api", note="status open; role lookout; location type 'crack den'",
        spec="Vocabulary cells are case-insensitive and accept spaces or hyphens for underscores.")

    # 4. Children not flagged (xlsx): people row 2 born 2012 recorded as not vulnerable;
    #    people row 3 age 15 vulnerable but without under_18.
    doc = base_september()
    doc["people"][0].update(date_of_birth=D(2012, 5, 5), vulnerable="N")
    doc["people"][1].update(date_of_birth=None, age_estimate=15, vulnerable="Y",
                            vulnerability_factors=["missing_episodes"])
    write_xlsx(doc, inv / "child_not_vulnerable.xlsx", rng)
    add("child_not_vulnerable.xlsx", "xlsx",
        [E("people", 2, "vulnerable", "vulnerability_factors", "date_of_birth"),
         E("people", 3, "vulnerability_factors", "age_estimate")],
        note="row 2: DOB 05/05/2012, vulnerable N; row 3: age 15, factors missing_episodes only",
        spec="A person under 18 on period_end ... must carry under_18 among the factors and vulnerable = Y")

    # 5. Impossible phone numbers (zip): deal number one digit short; a 5-digit phone number.
    doc = base_september()
    doc["lines"][0]["deal_numbers"] = ["077009004"]
    doc["lines"][1]["deal_numbers"] = ["07700 90040"]
    doc["people"][0]["phone_numbers"] = ["07700 900403", "12345"]
    write_zip(doc, inv / "bad_phone.zip", rng, shuffle=False)
    add("bad_phone.zip", "zip", [E("lines", 2, "deal_numbers"), E("lines", 4, "deal_numbers"),
                                 E("people", 2, "phone_numbers")],
        note="deal numbers '077009004' (9 digits, row 2) and '07700 90040' (10, row 4): no 07 mobile is "
             "shorter than 11 digits; people row 2 '12345'",
        spec="deal_numbers: UK or international format")

    # 6. Bad dates (xlsx): US-order date, 30 February, an event after period_end.
    doc = base_september()
    doc["lines"][0]["first_reported"] = "12/31/2025"
    doc["people"][1]["date_of_birth"] = "30/02/2001"
    doc["events"][0]["date"] = "2026-12-15"
    write_xlsx(doc, inv / "bad_dates.xlsx", rng)
    add("bad_dates.xlsx", "xlsx", [E("lines", 2, "first_reported"), E("people", 3, "date_of_birth"),
                                   E("events", 2, "date")],
        note="12/31/2025 (US order), 30/02/2001, event 2026-12-15 after period_end 2026-09-30",
        spec="Dates: ISO, UK DD/MM/YYYY ... Never US order. A date in the future (beyond period_end) is an error.")

    # 7. Duplicate refs (zip, no blank rows): people rows 2 and 3 both BAD-P-1; vehicles likewise.
    doc = base_september()
    doc["people"][1]["person_ref"] = "BAD-P-1"
    doc["locations"][0]["person_refs"] = ["BAD-P-1"]
    doc["vehicles"].append(dict(doc["vehicles"][0], vrm="YD12 XYA"))
    write_zip(doc, inv / "duplicate_refs.zip", rng, shuffle=False)
    # write_zip inserts a blank row after the first record of a sheet with more than one.
    add("duplicate_refs.zip", "zip", [E("people", 4, "person_ref"), E("vehicles", 4, "vehicle_ref")],
        note="person_ref BAD-P-1 on people rows 2 and 4; vehicle_ref BAD-V-1 on vehicles rows 2 and 4",
        spec="*_ref ... must be unique within their sheet")

    # 8. Broken cross-references (JSON via CLI).
    doc = base_september()
    doc["people"][0]["line_refs"] = ["BAD-L-1", "BAD-L-999"]
    doc["locations"][0]["person_refs"] = ["BAD-P-404"]
    doc["events"][0]["location_ref"] = "BAD-A-9"
    write_json(doc, inv / "broken_xrefs.json")
    add("broken_xrefs.json", "json", [E("people", 2, "line_refs"), E("locations", 2, "person_refs"),
                                      E("events", 2, "location_ref")],
        note="line_refs BAD-L-999, person_refs BAD-P-404, location_ref BAD-A-9 do not exist",
        spec="Cross-references (line_refs, person_refs, location_ref) must point at a ref that exists in the same return.")

    # 9. Grading (xlsx): C without conditions; missing intel_assessment; source_eval Q.
    doc = base_september()
    doc["lines"][0]["handling_code"] = "C"
    doc["people"][1]["intel_assessment"] = None
    doc["vehicles"][0]["source_eval"] = "Q"
    write_xlsx(doc, inv / "bad_grading.xlsx", rng)
    add("bad_grading.xlsx", "xlsx", [E("lines", 2, "handling_conditions"), E("people", 3, "intel_assessment"),
                                     E("vehicles", 2, "source_eval")],
        note="handling_code C with no conditions; intel_assessment blank; source_eval Q",
        spec="handling_conditions is required when the code is C. Missing grading on a record is an error.")

    # 10. Formula cells (xlsx) with cached values, so a reader taking values would see plausible data.
    doc = base_september()
    path = write_xlsx(doc, inv / "formula_cells.xlsx", rng, shuffle=False,
                      cell_override={("lines", 2, "line_name"): '=CONCATENATE("ROC","KET")',
                                     ("people", 3, "notes"): "=1+1"})
    _add_cached_values(path, {"ROCKET": 'CONCATENATE("ROC","KET")', "2": "1+1"})
    add("formula_cells.xlsx", "xlsx", [E("lines", 2, "line_name"), E("people", 3, "notes")],
        note="lines B2 =CONCATENATE(\"ROC\",\"KET\") cached ROCKET; people notes =1+1 cached 2",
        spec="A cell holding a spreadsheet formula is an error")

    # 11. The return sheet itself (zip): unknown force; period_end before period_start.
    doc = base_september()
    doc["return"]["force"] = "Gotham City Police"
    doc["return"]["period_end"] = D(2026, 8, 31)
    doc["events"] = []
    doc["lines"][0]["first_reported"] = None
    write_zip(doc, inv / "bad_return_sheet.zip", rng)
    add("bad_return_sheet.zip", "zip", [E("return", 3, "value", "force"),
                                        E("return", None, "value", "period_end", "period_start")],
        note="force 'Gotham City Police' (row 3); period_end 2026-08-31 before period_start 2026-09-01 (row 5)",
        spec="force: ONS police force area code ... or the force's name; period_end: not before period_start")

    # 12. Unknown extra column (JSON): people item has 'ethnicity', which v1 does not know.
    doc = base_september()
    doc["people"][0]["ethnicity"] = "W1"
    write_json(doc, inv / "unknown_field.json")
    add("unknown_field.json", "json", [E("people", None, "ethnicity")], channel="api",
        note="people[0] has field 'ethnicity'",
        spec="a column the format does not know, rejects the return")

    # Hostile files: each must be refused as a whole, quickly, storing nothing.
    _zip_bomb(inv / "zip_bomb.zip")
    add("zip_bomb.zip", "zip", [E("", None)], note="lines.csv inflates to ~1 GiB", spec="(hostile)")
    add("zip_bomb.zip", "zip", [E("", None)], channel="api", note="same bomb via API", spec="(hostile)")
    base = write_xlsx(base_september(), inv / "_base.xlsx", rng, shuffle=False)
    _add_macro(base, inv / "macro.xlsm")
    add("macro.xlsm", "xlsm", [E("", None)], note="workbook with xl/vbaProject.bin", spec="(hostile)")
    _add_macro(base, inv / "macro_renamed.xlsx")
    add("macro_renamed.xlsx", "xlsx", [E("", None)], note="macro workbook saved as .xlsx", spec="(hostile)")
    base.unlink()
    (inv / "png_renamed.xlsx").write_bytes(_png())
    add("png_renamed.xlsx", "xlsx", [E("", None)], note="a PNG image named .xlsx", spec="(hostile)")
    add("png_renamed.xlsx", "xlsx", [E("", None)], channel="api", note="a PNG named .xlsx, via API",
        spec="(hostile)")
    return cases


def _add_cached_values(path, cached):
    """openpyxl writes formulas without a cached value; add one as Excel would."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode()
                for value, formula in cached.items():
                    f_xml = formula  # openpyxl leaves quotes unescaped in element text
                    numeric = re.fullmatch(r"\d+", value) is not None
                    for pattern in (f"<f>{f_xml}</f><v></v>", f"<f>{f_xml}</f><v />", f"<f>{f_xml}</f>"):
                        if pattern in text:
                            if numeric:
                                text = text.replace(pattern, f"<f>{f_xml}</f><v>{value}</v>")
                            else:
                                text = re.sub(r'<c ([^>]*?)(?: t="\w+")?>' + re.escape(pattern),
                                              lambda m, fx=f_xml, v=value: f'<c {m.group(1)} t="str"><f>{fx}</f><v>{v}</v>',
                                              text)
                            break
                data = text.encode()
            dst.writestr(item, data)
    tmp.replace(path)


def _add_macro(src_path, dst_path):
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(dst_path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(item, data)
        # Not real VBA: an OLE compound-file header and a marker. Enough to be a macro part.
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Attribute VB_Name")


def _zip_bomb(path, size=1 << 30):
    """return.csv is fine; lines.csv inflates to `size` bytes of a repeated row."""
    chunk = (b"BOMB-L-1," * 8 + b"\n") * 4096
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("return.csv", "field,value\nformat_version,1\nforce,E23000010\nperiod_start,2026-09-01\n"
                                  "period_end,2026-09-30\nsubmitted_by,x\ncontact_email,x@example.police.uk\n")
        with zf.open("lines.csv", "w", force_zip64=True) as fh:
            fh.write(b"line_ref,line_name,deal_numbers,exporting_area,importing_areas,status,source_eval,"
                     b"intel_assessment,handling_code\n")
            written = 0
            while written < size:
                fh.write(chunk)
                written += len(chunk)
        zf.writestr("people.csv", "person_ref,roles,vulnerable,source_eval,intel_assessment,handling_code\n")
        zf.writestr("locations.csv", "location_ref,type,address,source_eval,intel_assessment,handling_code\n")


def _png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def probe_return():
    """Valid by my reading, leaning on the looser corners of the spec (August, so it touches nothing)."""
    return {
        "return": {"format_version": 1, "force": "West Yorkshire", "period_start": AUG[0], "period_end": AUG[1],
                   "submitted_by": "DS Ama Boateng, FIB", "contact_email": "fib.returns@westyorkshire.example.police.uk"},
        "lines": [
            {"line_ref": "PRB-L-1", "line_name": "PROBE", "deal_numbers": ["447700900999", "00447700900998"],
             "exporting_area": "west yorkshire police", "importing_areas": ["e23000010", "leeds"],
             "drugs": ["Crack-Cocaine", "HEROIN"], "status": "Dormant", "violence": "TRUE", "weapons": ["Knife"],
             "first_reported": D(2026, 8, 3), **g("r", "2", "p")},
        ],
        "people": [
            {"person_ref": "PRB-P-1", "aliases": ["Zé"], "age_estimate": 17, "roles": ["RUNNER"],
             "line_refs": ["PRB-L-1"], "vulnerable": "Yes", "vulnerability_factors": ["Under-18", "looked after"],
             "looked_after_by": "Leeds City Council", "postcode": "ls98ab", "pnc_id": pnc("09", "1234"),
             "phone_numbers": ["+44 (0)7700 900997"], **g()},
        ],
        "locations": [
            {"location_ref": "PRB-A-1", "type": "Deal-Site", "postcode": "ls9 8ab", "uprn": "1", **g()},
        ],
        "vehicles": [],
        "events": [],
    }


# --------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    for sub in ("valid", "invalid", "probe"):
        (out / sub).mkdir(parents=True)

    docs = {"west_yorkshire": west_yorkshire(), "north_yorkshire": north_yorkshire(),
            "merseyside": merseyside(), "cumbria": cumbria_v2()}  # truth from v2, a superset of v1
    manifest = {"valid": [], "invalid": [], "probe": []}

    write_xlsx(docs["west_yorkshire"], out / "valid/west_yorkshire_2026-10.xlsx", rng)
    write_zip(docs["north_yorkshire"], out / "valid/north_yorkshire_2026-10.zip", rng)
    write_json(docs["merseyside"], out / "valid/merseyside_2026-10.json")
    write_json(cumbria(), out / "valid/cumbria_2026-10.json")
    write_json(docs["cumbria"], out / "valid/cumbria_2026-10_v2.json")
    submit = [("west_yorkshire", "valid/west_yorkshire_2026-10.xlsx", "xlsx", "cli", "submitter@westyorkshire.demo"),
              ("north_yorkshire", "valid/north_yorkshire_2026-10.zip", "zip", "cli", "analyst@northyorkshire.demo"),
              ("merseyside", "valid/merseyside_2026-10.json", "json", "api", "merseyside"),
              ("cumbria", "valid/cumbria_2026-10.json", "json", "cli", "submitter@cumbria.acceptance"),
              ("cumbria", "valid/cumbria_2026-10_v2.json", "json", "cli", "submitter@cumbria.acceptance")]
    for key, file, form, channel, who in submit:
        doc = cumbria() if file.endswith("cumbria_2026-10.json") else docs[key]
        counts = {s: len(doc.get(s, [])) for s in SHEETS}
        manifest["valid"].append({"file": file, "form": form, "channel": channel, "submitter": who,
                                  "version": 2 if "_v2" in file else 1,
                                  "force": FORCE_CODES[key], "period_start": PERIOD[0].isoformat(),
                                  "period_end": PERIOD[1].isoformat(), "counts": counts})

    with open(out / "truth.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["force_code", "sheet", "ref", "entity_id"])
        for key, doc in docs.items():
            for sheet in ("lines", "people", "locations", "vehicles"):
                for r in doc.get(sheet, []):
                    w.writerow([FORCE_CODES[key], sheet, r[REF_COLUMN[sheet]], r["_truth"]])
    with open(out / "vulnerable.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id"])
        vulnerable = {r["_truth"] for doc in docs.values() for r in doc["people"]
                      if str(r.get("vulnerable")).lower() in {"y", "yes", "true"}}
        for entity in sorted(vulnerable):
            w.writerow([entity])
    with open(out / "crossover.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["exporting_force", "importing_force", "entity_id"])
        for entity, (exp, imps) in sorted(LINE_ROUTES.items()):
            for imp in imps:
                w.writerow([exp, imp, entity])

    manifest["invalid"] = invalid_cases(rng, out)
    write_json(probe_return(), out / "probe/west_yorkshire_2026-08_probe.json")
    manifest["probe"].append({"file": "probe/west_yorkshire_2026-08_probe.json", "form": "json", "channel": "cli",
                              "submitter": "submitter@westyorkshire.demo", "force": "E23000010",
                              "note": "447700900999 (no +), 00447700900998, '+44 (0)7700 900997', force by name "
                                      "'West Yorkshire', 'west yorkshire police' as an area, lower-case codes, "
                                      "'Crack-Cocaine', 'Under-18', 'looked after', TRUE/Yes, grading in lower "
                                      "case, pnc 09/1234C, uprn 1, postcode ls98ab"})
    spec_example = probe_return()
    spec_example["return"]["period_start"], spec_example["return"]["period_end"] = D(2026, 7, 1), D(2026, 7, 31)
    spec_example["lines"][0]["first_reported"] = D(2026, 7, 3)
    spec_example["people"][0]["pnc_id"] = "09/123456X"
    write_json(spec_example, out / "probe/west_yorkshire_2026-07_spec_pnc.json")
    manifest["probe"].append({"file": "probe/west_yorkshire_2026-07_spec_pnc.json", "form": "json", "channel": "cli",
                              "submitter": "submitter@westyorkshire.demo", "force": "E23000010",
                              "note": "the first probe again (July) with pnc_id 09/123456X, the spec's own example"})
    write_zip(bom_probe(), out / "probe/north_yorkshire_2026-08_bom.zip", rng, bom=True)
    manifest["probe"].append({"file": "probe/north_yorkshire_2026-08_bom.zip", "form": "zip", "channel": "cli",
                              "submitter": "analyst@northyorkshire.demo", "force": "E23000009",
                              "note": "every CSV starts with a UTF-8 byte-order mark, as Excel's 'CSV UTF-8' writes"})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"Wrote {len(manifest['valid'])} valid, {len(manifest['invalid'])} invalid, "
          f"{len(manifest['probe'])} probe submissions to {out}")


if __name__ == "__main__":
    main()
