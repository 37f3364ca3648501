"""The people profiles a run compared, kept on disk for the next run on a single return
(docs/adr/0009-linkage-profile-store.md).

A run on one return compares its people with everyone stored. Building everyone's profiles
again means reading every current person record from the database, a million rows at national
scale, which costs more than the comparison. A full run (DuckDB) therefore leaves its final
profile table, the one it scored, in one Parquet file under VAR_DIR; a run on a return takes
it, rebuilds only the identities whose records changed since (the new return's people, and
the people of returns no longer current), scores those against the whole table, and writes the
table back.

The file is a cache of what the database says, never a second source of truth. It is used only
while it provably matches the database:
- the latest finished run that resolved people recorded the file's token (a token the file
  carries and the run stores in its counts, in the run's own transaction: a run that failed
  or was rolled back, another database, or a run that did not keep the file, all leave a
  mismatch);
- the exclusion list and the values found too common are those the profiles were built under;
- the profile code is the version that built it.
Otherwise the run builds every profile from the database, as a full run does, and keeps them.
Which deal lines people are on changes with every run over lines: the people on a line whose
entity changed are rebuilt too.
"""

import hashlib
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection

from crossline.linkage.engine import people
from crossline.linkage.engine.records import Key

logger = logging.getLogger(__name__)
# Raise when people.profile_rows changes what it makes: a file made by other code is not used.
VERSION = 2
META_KEY = b"crossline"


def store_path() -> Path:
    """One file per database: a store made against another database (a benchmark's, a test's)
    is never even opened."""
    database = connection.settings_dict
    name = hashlib.sha256("|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
                          .encode()).hexdigest()[:16]
    return Path(settings.VAR_DIR) / "linkage" / f"people-profiles-{name}.parquet"


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=sorted).encode()).hexdigest()


def excluded_digest(excluded: dict[str, set[str]]) -> str:
    return _digest({name: sorted(values) for name, values in excluded.items() if values})


def lines_digest(line_entities: dict[Key, str]) -> str:
    return _digest(sorted((force, ref, label) for (force, ref), label in line_entities.items()))


@dataclass
class Stored:
    """The profiles of every identity, keyed by (force, ref), and what they were built from.

    Identity numbers are dense: `forces[n]`, `refs[n]` is identity n's key. Keys stay Arrow
    arrays: a million Python tuples would cost more than the rest of a run on a return."""

    forces: pa.Array
    refs: pa.Array
    table: pa.Table  # people.SCHEMA; `identity` numbers index `forces` and `refs`
    returns: set[int] = field(default_factory=set)  # the returns whose records they were built from
    records: int = 0  # how many current records they were built from
    excluded: str = ""  # excluded_digest of the values left out
    lines: str = ""  # lines_digest of the line entities they name
    token: str = ""

    @classmethod
    def of(cls, keys: list[Key], table: pa.Table, **meta) -> "Stored":
        return cls(forces=pa.array([force for force, _ref in keys], pa.string()),
                   refs=pa.array([ref for _force, ref in keys], pa.string()), table=table, **meta)

    def numbers(self, keys) -> dict[Key, int]:
        """The identity numbers of those of `keys` that have profiles here."""
        keys = list(keys)
        if not keys:
            return {}
        haystack = pc.binary_join_element_wise(self.forces, self.refs, "\x1f")
        found = pc.index_in(pa.array([f"{force}\x1f{ref}" for force, ref in keys], pa.string()),
                            value_set=haystack).to_pylist()
        return {key: number for key, number in zip(keys, found, strict=True) if number is not None}

    def keys_of(self, numbers) -> dict[int, Key]:
        numbers = sorted(set(numbers))
        indices = pa.array(numbers, pa.int64())
        return dict(zip(numbers, zip(pc.take(self.forces, indices).to_pylist(),
                                     pc.take(self.refs, indices).to_pylist(), strict=True), strict=True))


def write(stored: Stored, path: Path | None = None) -> str:
    """Write `stored` with a new token, atomically (a reader sees the old file or the new); the token.
    `path` is given when writing from another thread, which should not touch the database
    connection's settings."""
    token = uuid.uuid4().hex
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"version": VERSION, "token": token, "returns": sorted(stored.returns), "records": stored.records,
            "excluded": stored.excluded, "lines": stored.lines}
    # Each profile carries its identity's key, so the file needs nothing beside it.
    identities = stored.table.column("identity")
    table = stored.table.append_column("key_force", pc.take(stored.forces, identities))
    table = table.append_column("key_ref", pc.take(stored.refs, identities))
    table = table.replace_schema_metadata({META_KEY: json.dumps(meta).encode()})
    handle, temporary = tempfile.mkstemp(prefix=".people-profiles-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        # Uncompressed dictionary pages: a few tens of MB at a million profiles, written and read
        # several times faster than with zstd.
        pq.write_table(table, temporary, compression="none")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return token


def read() -> Stored | None:
    """The stored profiles, or None if there are none or they cannot be used."""
    path = store_path()
    if not path.exists():
        return None
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
    except Exception:  # noqa: BLE001 - a damaged or foreign file: rebuilt from the database
        logger.warning("The people profile store at %s could not be read; it will be rebuilt.", path)
        return None
    if (meta.get("version") != VERSION or not {"token", "returns", "records", "excluded", "lines"} <= set(meta)
            or not {"key_force", "key_ref"} <= set(table.column_names)):
        return None
    # Identity numbers are dense (write and replace keep them so): one key per number.
    firsts = table.select(["identity", "key_force", "key_ref"]).group_by("identity", use_threads=False).aggregate(
        [("key_force", "first"), ("key_ref", "first")]).sort_by("identity")
    count = firsts.num_rows
    if count and (firsts.column("identity")[0].as_py() != 0 or firsts.column("identity")[-1].as_py() != count - 1):
        return None
    table = table.drop_columns(["key_force", "key_ref"]).replace_schema_metadata(None)
    if table.schema != people.SCHEMA:
        return None
    return Stored(forces=firsts.column("key_force_first").combine_chunks(),
                  refs=firsts.column("key_ref_first").combine_chunks(), table=table, returns=set(meta["returns"]),
                  records=meta["records"], excluded=meta["excluded"], lines=meta["lines"], token=meta["token"])


def replace(stored: Stored, identities: set[Key], rows: list[tuple], keys: list[Key]) -> Stored:
    """`stored` with the profiles of `identities` replaced by `rows` (people.profile_rows over a
    snapshot whose identity numbers index `keys`). Identities are numbered afresh, densely: the
    kept ones in their old order, then the new ones."""
    count = len(stored.forces)
    removed = sorted(stored.numbers(identities).values())
    removed_set = pa.array(removed, pa.int64())
    kept = stored.table.filter(pc.invert(pc.is_in(stored.table.column("identity"), value_set=removed_set)))
    # Old number -> new: every number after the k-th removed one moves down by k.
    renumber: list[int] = []
    previous = 0
    for shift, number in enumerate([*removed, count]):
        renumber.extend(range(previous - shift, number - shift))
        if number < count:
            renumber.append(-1)
        previous = number + 1
    kept = kept.set_column(1, "identity", pc.take(pa.array(renumber, pa.int64()), kept.column("identity")))
    keep_keys = pc.invert(pc.is_in(pa.array(range(count), pa.int64()), value_set=removed_set))
    base = count - len(removed)
    number_of: dict[Key, int] = {}
    fresh = []
    for row in rows:
        key = keys[row[1]]
        number = number_of.get(key)
        if number is None:
            number = number_of[key] = base + len(number_of)
        fresh.append((0, number, *row[2:]))
    new_keys = list(number_of)
    forces = pa.concat_arrays([stored.forces.filter(keep_keys), pa.array([force for force, _ in new_keys], pa.string())])
    refs = pa.concat_arrays([stored.refs.filter(keep_keys), pa.array([ref for _, ref in new_keys], pa.string())])
    table = pa.concat_tables([kept, people.profile_table(fresh)])
    table = table.set_column(0, "unique_id", pa.array(range(table.num_rows), pa.int64()))
    return Stored(forces=forces, refs=refs, table=table, returns=set(stored.returns), records=stored.records,
                  excluded=stored.excluded, lines=stored.lines, token=stored.token)
