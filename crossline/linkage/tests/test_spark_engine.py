"""Spark as the engine (local[*] here): the same stored model gives the same entities as DuckDB.
Skipped where pyspark or Java is not installed; it starts a JVM, so it takes a minute."""

import shutil
from datetime import date
from importlib.util import find_spec

import pytest

from crossline.linkage.runs import linkage_resolve_full
from crossline.linkage.synthetic import synthetic_returns_load
from crossline.linkage.tests.test_incremental import partition
from crossline.synthetic.generate import generate_world, write_returns

pytestmark = [
    pytest.mark.skipif(find_spec("pyspark") is None or shutil.which("java") is None,
                       reason="needs pyspark and a Java runtime"),
    pytest.mark.django_db,
]


def test_spark_gives_the_entities_duckdb_gives(tmp_path, settings):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    write_returns(generate_world(seed=7, scale="tiny", as_of=date(2026, 11, 26)), tmp_path / "returns", form="json")
    synthetic_returns_load(tmp_path / "returns")
    linkage_resolve_full(engine="duckdb")
    duckdb = partition()

    run = linkage_resolve_full(engine="spark")

    assert (run.engine, run.status) == ("spark", "finished")
    assert partition() == duckdb
    assert run.counts["person"]["members_moved"] == 0
