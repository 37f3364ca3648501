"""Spark as the linkage engine: the same stored model, the same profiles, on a Spark session.

On one machine DuckDB is several times faster (linkage-notes.md: 5.7x to 8.1x); Spark is for a
cluster. `local[*]` is used when no session is given, for tests and trying it out. The session
needs Splink's Scala similarity functions (Jaro-Winkler, Damerau-Levenshtein): their jar is
put on the session's class path here.
"""

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa


def local_session(*, cores: str = "*", memory: str = "2g"):
    return spark_session(master=f"local[{cores}]", memory=memory)


def spark_session(*, master: str | None = None, memory: str = "2g"):
    """A session on `master`: by default settings.LINKAGE_SPARK_MASTER (environment variable
    CROSSLINE_SPARK_MASTER), `local[*]` unless a cluster is configured, e.g. spark://host:7077.
    Splink's similarity jar goes with the session to the executors (spark.jars)."""
    from django.conf import settings
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = master or settings.LINKAGE_SPARK_MASTER
    session = (SparkSession.builder.master(master).appName("crossline-linkage")
               .config("spark.jars", similarity_jar_location())
               .config("spark.driver.memory", memory)
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.default.parallelism", "8")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    checkpoints = tempfile.mkdtemp(prefix="crossline-spark-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)
    session.sparkContext.setCheckpointDir(checkpoints)
    return session


@contextmanager
def session_for(engine: str, session=None) -> Iterator:
    """A Spark session for a whole run (starting the JVM takes seconds: once per run, not per
    comparison), stopped afterwards if this made it; nothing for DuckDB."""
    if engine != "spark" or session is not None:
        yield session
        return
    made = spark_session()
    try:
        yield made
    finally:
        made.stop()


@contextmanager
def spark_api(session=None) -> Iterator:
    from splink import SparkAPI

    with session_for("spark", session) as active:
        yield SparkAPI(spark_session=active, num_partitions_on_repartition=8)


def arrow_to_spark(session, table: pa.Table):
    """A Spark DataFrame of the profiles (Spark 4 reads Arrow tables directly)."""
    return session.createDataFrame(table)
