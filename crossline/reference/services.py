"""Loading reference geography. Idempotent: loading twice leaves the same rows."""

import csv
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from django.db import transaction

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.reference import lookups
from crossline.reference.models import (
    LocalAuthority,
    LocalAuthorityCode,
    PoliceForce,
    Postcode,
    PostcodeDistrictShare,
    Region,
)
from crossline.reference.postcode_directory import PostcodeDirectoryError, read_directory

DATA_DIR = Path(__file__).resolve().parent / "data"
BTP_CODE = "BTP"


@dataclass
class RefdataLoadResult:
    regions: int
    forces: int
    local_authorities: int
    historic_codes: int
    district_shares: int


def _forget_cached_tables() -> None:
    # Now, so that the rest of this transaction reads the new tables; and again on commit, because
    # another thread may have cached the old ones in between.
    lookups.refdata_changed()
    transaction.on_commit(lookups.refdata_changed)


def _rows(name: str):
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file)


@transaction.atomic
def refdata_load() -> RefdataLoadResult:
    """Load (or refresh) regions, forces, local authorities and postcode district shares."""
    forces = list(_rows("police_force_areas_ew.csv"))
    for row in forces:
        Region.objects.update_or_create(
            key=row["region_key"], defaults={"name": row["policing_region"], "rocu_name": row["rocu"]}
        )
    for row in forces:
        PoliceForce.objects.update_or_create(
            code=row["pfa_code"],
            defaults={
                "name": row["pfa_name_ons"],
                "force_name": row["force_name"],
                "region_id": row["region_key"],
                "country": row["country"],
                "police_uk_id": row["police_uk_force_id"],
                "is_territorial": True,
            },
        )
    PoliceForce.objects.update_or_create(
        code=BTP_CODE,
        defaults={"name": "British Transport Police", "force_name": "British Transport Police",
                  "region": None, "country": "", "police_uk_id": "btp", "is_territorial": False},
    )
    for row in _rows("lad_to_pfa_ew_current.csv"):
        LocalAuthority.objects.update_or_create(
            gss_code=row["lad_code"],
            defaults={
                "name": row["lad_name"],
                "upper_tier_code": row["utla_code"],
                "upper_tier_name": row["utla_name"],
                "police_force_id": row["pfa_code"],
                "country": row["country"],
            },
        )
    for row in _rows("lad_any_vintage_to_current_lad_and_pfa_ew.csv"):
        LocalAuthorityCode.objects.update_or_create(
            code=row["lad_code_any_vintage"],
            defaults={"name": row["lad_name"], "current_id": row["current_lad_code"]},
        )
    # District shares are replaced wholesale: a district's split can change between ONS releases.
    shares = [
        PostcodeDistrictShare(
            district=row["postcode_district"],
            local_authority_id=row["lad_code"],
            police_force_id=row["pfa_code"],
            postcode_count=int(row["postcode_count"]),
            share=Decimal(row["share_of_district"]),
        )
        for row in _rows("postcode_district_to_lad_pfa_weighted_ew.csv")
    ]
    PostcodeDistrictShare.objects.all().delete()
    PostcodeDistrictShare.objects.bulk_create(shares, batch_size=1000)
    _forget_cached_tables()
    return RefdataLoadResult(
        regions=Region.objects.count(),
        forces=PoliceForce.objects.count(),
        local_authorities=LocalAuthority.objects.count(),
        historic_codes=LocalAuthorityCode.objects.count(),
        district_shares=len(shares),
    )


POSTCODE_BATCH = 5000


@dataclass
class PostcodesLoadResult:
    postcodes: int  # England and Wales postcodes written (live and terminated)
    terminated: int
    outside_england_and_wales: int  # rows skipped
    without_local_authority: int  # written with no council: the file's code is not in our data
    total_in_table: int


@transaction.atomic
def postcodes_load(*, file: TextIO, progress: Callable[[int], None] | None = None) -> PostcodesLoadResult:
    """Load (or refresh) full postcodes from an ONS postcode directory CSV (NSPL or ONSPD).

    All or nothing: a bad row raises PostcodeDirectoryError naming its line and nothing is
    written. Loading the same file twice leaves the same rows. `progress` is told how many rows
    have been read after each batch."""
    forces = set(PoliceForce.objects.values_list("code", flat=True))
    if not forces:
        raise PostcodeDirectoryError("no police forces: run `crossline refdata load` first")
    result = PostcodesLoadResult(postcodes=0, terminated=0, outside_england_and_wales=0,
                                 without_local_authority=0, total_in_table=0)
    batch: dict[str, Postcode] = {}
    rows_read = 0
    for row in read_directory(file):
        rows_read += 1
        if row is None:
            result.outside_england_and_wales += 1
        else:
            if row.police_force_code not in forces:
                raise PostcodeDirectoryError(f"line {row.line}: {row.police_force_code} is not a known police force area")
            authority = lookups.local_authority(row.local_authority_code)
            result.without_local_authority += authority is None
            result.terminated += row.terminated
            batch[row.postcode] = Postcode(
                postcode=row.postcode, local_authority=authority, police_force_id=row.police_force_code,
                terminated=row.terminated,
            )
        if len(batch) >= POSTCODE_BATCH:
            result.postcodes += _write_postcodes(batch)
            if progress:
                progress(rows_read)
    result.postcodes += _write_postcodes(batch)
    if progress:
        progress(rows_read)
    result.total_in_table = Postcode.objects.count()
    audit_record(action=AuditAction.CHANGE, object_type="reference.Postcode", detail=asdict(result))
    return result


def _write_postcodes(batch: dict[str, Postcode]) -> int:
    Postcode.objects.bulk_create(
        batch.values(), update_conflicts=True, unique_fields=["postcode"],
        update_fields=["local_authority", "police_force", "terminated"],
    )
    written = len(batch)
    batch.clear()
    return written
