"""Crash atomicity (REL-01): `crossline ingest` of a 50,000-row return, killed with SIGKILL at
several points (reading, storing, committing), leaves either the whole return or none of it; a
retry with the same idempotency key then applies it exactly once, and the raw file is kept.

PostgreSQL: against the test database, the ingest in a subprocess. SQLite: a database file of
the test's own, set up by the `crossline` command itself. Each variant runs on its own CI leg.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from crossline.returns.models import NationalReturn, Submission, SubmissionStatus
from crossline.returns.store import raw_file_read
from crossline.returns.tests.storage_support import RECORD_MODELS, postgres_only
from crossline.returns.tests.storage_support import committed_db as committed_db
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.synthetic.bulk import write_single_return

PER_SHEET = 16_667  # lines, people and locations: 50,001 rows
ROWS = PER_SHEET * 3
KEY = "crash-test-october"
CROSSLINE = str(Path(sys.executable).with_name("crossline"))
SUBMITTER = "submitter@crash.example"


@pytest.fixture(scope="module")
def big_return(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "october.zip"
    counts = write_single_return(PER_SHEET, path, "zip")
    assert sum(counts.values()) == ROWS
    return path


class Ingest:
    """`crossline ingest` in a process of its own, watched line by line, killable at will."""

    def __init__(self, path: Path, env: dict):
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [CROSSLINE, "ingest", str(path), "--as", SUBMITTER, "--idempotency-key", KEY],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def kill_when(self, ready, timeout: float = 120) -> bool:
        """SIGKILL as soon as `ready()` holds; False if the run ended first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if ready():
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
                return True
            time.sleep(0.01)
        return False

    def finish(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout)
        self.reader.join(5)
        return code


def _records(counts: list[int]) -> int:
    """Lines, people and locations, as the return has them; with no return, every record table
    (phone numbers and cross-references too), all of which must then be empty."""
    lines, people, locations = counts[:3]
    return lines + people + locations if lines or people or locations else sum(counts)


def _after(seconds: float):
    start = time.monotonic()
    return lambda: time.monotonic() - start >= seconds


def _run_crash_scenario(big_return: Path, env: dict, state, extra_kill_points=()) -> None:
    """Kill ingests at each point, checking all-or-nothing after each; then retry to success."""
    kill_points = [("after 1 s", lambda run: _after(1)), ("after 3 s", lambda run: _after(3)),
                   *extra_kill_points,
                   ("once every record is written", lambda run: lambda: run.said("Stored ")),
                   ("on committing", lambda run: lambda: run.said("Committing"))]
    killed = 0
    for _name, when in kill_points:
        run = Ingest(big_return, env)
        killed += run.kill_when(when(run))
        run.finish()
        returns, records = state()
        assert returns in (0, 1)
        assert records == (ROWS if returns else 0), _name
        if returns:
            break  # the commit beat the kill: the rest would only replay it
    assert killed >= 3

    retry = Ingest(big_return, env)
    assert retry.finish() == 0, "".join(retry.lines)
    assert retry.said("ACCEPTED october.zip")
    assert state() == (1, ROWS)
    again = Ingest(big_return, env)
    assert again.finish() == 0
    assert state() == (1, ROWS)  # exactly once


# --- PostgreSQL -------------------------------------------------------------------------------
@postgres_only()
@pytest.mark.django_db(transaction=True)
def test_a_killed_ingest_leaves_all_or_nothing_on_postgresql(committed_db, wy_submitter, raw_store, big_return):
    wy_submitter.username = wy_submitter.email = SUBMITTER
    wy_submitter.save(update_fields=["username", "email"])
    database = connection.settings_dict
    env = dict(os.environ, RAW_FILE_STORE=str(raw_store), DATABASE_URL=(
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"))

    def state() -> tuple[int, int]:
        _wait_for_other_sessions_to_end()
        counts = [model.objects.count() for model in RECORD_MODELS]
        return NationalReturn.objects.count(), _records(counts)

    def copying(run):
        def ready():
            with connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy")
                return cursor.fetchone()[0] > 5_000
        return ready

    _run_crash_scenario(big_return, env, state, extra_kill_points=[("in the middle of a COPY", copying)])

    submission = Submission.objects.get(idempotency_key=KEY)
    assert submission.status == SubmissionStatus.ACCEPTED
    assert raw_file_read(submission.raw_sha256) == big_return.read_bytes()


def _wait_for_other_sessions_to_end(timeout: float = 30) -> None:
    """A killed client's server process rolls back and exits when it notices: wait for that."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Idle connections (a live server's threads keep theirs) hold nothing: count only sessions
            # still inside a transaction, as the killed ingest's is until the server notices.
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'")
            if cursor.fetchone()[0] == 0:
                return
            assert time.monotonic() < deadline, "the killed ingest's session did not end"
            time.sleep(0.05)


# --- SQLite -----------------------------------------------------------------------------------
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite leg of CI runs this one")
def test_a_killed_ingest_leaves_all_or_nothing_on_sqlite(tmp_path, big_return):
    database = tmp_path / "crossline.sqlite3"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"SQLITE_PATH": str(database), "RAW_FILE_STORE": str(tmp_path / "raw-files"),
            "CROSSLINE_VAR_DIR": str(tmp_path)}

    def crossline(*args):
        subprocess.run([CROSSLINE, *args], env=env, check=True, capture_output=True)  # noqa: S603

    crossline("migrate", "-v0")
    crossline("refdata", "load")
    crossline("shell", "-c", "from crossline.conftest import make_user; "
              "from crossline.organisations.selectors import force_organisation; "
              f"make_user(force_organisation('E23000010'), 'submitter', username='{SUBMITTER}')")

    def state() -> tuple[int, int]:
        with sqlite3.connect(database, timeout=30) as db:
            returns = db.execute("SELECT count(*) FROM returns_nationalreturn").fetchone()[0]
            counts = [db.execute(f"SELECT count(*) FROM {model._meta.db_table}").fetchone()[0]  # noqa: S608
                      for model in RECORD_MODELS]
        return returns, _records(counts)

    _run_crash_scenario(big_return, env, state)

    with sqlite3.connect(database) as db:
        status, sha256 = db.execute("SELECT status, raw_sha256 FROM returns_submission").fetchone()
    assert status == SubmissionStatus.ACCEPTED
    assert (tmp_path / "raw-files" / sha256[:2] / sha256).read_bytes() == big_return.read_bytes()
