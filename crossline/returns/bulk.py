"""Writing many rows to one table fast, inside the caller's transaction; and holding them on
disk until then.

PostgreSQL: one `COPY ... FROM STDIN` per table, rows streamed through psycopg's `write_row`, so
neither side holds the whole table in memory. SQLite: one prepared INSERT run over batches of
BATCH rows (`executemany`).
Either way the rows are checked by the same constraints as any insert, and become visible to
others only when the caller's transaction commits. Rows hold values as the database takes them
(records.py lays them out so): text, numbers, booleans, None; JSON and dates as text.

A `Spill` keeps rows for several tables in anonymous temporary files: a return is validated and
its rows laid out before anything is stored (a rejected return stores nothing), without holding
them all in memory; the apply then streams each table's rows from its file into `write_rows`.
"""

# marshal and pickle only for our own spill files, which have no name anyone else could reach
# or write.
import marshal
import pickle  # nosec B403
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from queue import Queue
from typing import BinaryIO

from django.db import connection, models, transaction
from django.db.models.sql import InsertQuery
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

BATCH = 2_000
INDEXES_REBUILT_FROM = 50_000  # rows added at once; below this, rebuilding costs more than it saves
COPY_BUFFERS_QUEUED = 64  # of about 32 KB each, waiting for the thread that sends them
_FRAME = struct.Struct("<cI")  # how a spilled batch was written, and its length in bytes
_MARSHAL, _PICKLE = b"m", b"p"


class Table:
    """A model and the fields each row gives, in order (foreign keys as ids)."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...]):
        self.model = model
        self.fields = tuple(model._meta.get_field(name) for name in fields)


def write_rows(table: Table, rows: Iterable[tuple], *, first: tuple = (),
               progress: Callable[[int], None] | None = None) -> int:
    """Insert every row of `rows` into `table`, each after the values `first` (the same for every
    row: the return's id); return how many. Call inside a transaction."""
    if connection.vendor == "postgresql":
        return _copy(table, rows, first, progress)
    return _insert_many(table, rows, first, progress)


class _CopyWriter(QueuedLibpqWriter):
    """psycopg's queued writer (one thread lays out rows, another sends them), holding at most
    COPY_BUFFERS_QUEUED buffers rather than psycopg's 1,024: when the server is the slower side
    (it is, on a busy machine) that queue fills, and 32 MB of rows waiting to be sent made the
    memory of a large return grow. A few buffers are enough to keep the server busy."""

    def __init__(self, cursor):
        super().__init__(cursor)
        self._queue = Queue(maxsize=COPY_BUFFERS_QUEUED)


def _copy(table: Table, rows: Iterable[tuple], first: tuple, progress) -> int:
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table.model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(field.column) for field in table.fields),
    )
    count = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The queued writer sends from a thread of its own, so that the server stores one batch
        # while Python lays out the next.
        raw = cursor.cursor
        with raw.copy(statement, writer=_CopyWriter(raw)) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(first + row)
                count += 1
                if progress is not None and count % BATCH == 0:
                    progress(count)
    return count


def _insert_many(table: Table, rows: Iterable[tuple], first: tuple, progress) -> int:
    # Not bulk_create: on SQLite it may bind at most 999 values per statement, so a 40-column
    # table goes in 24 rows at a time. The ORM's own single-row INSERT, run over each batch of
    # BATCH rows with executemany, is several times faster.
    statement = _insert_statement(table)
    batch: list = []
    count = 0
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(first + row)
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch.clear()
                if progress is not None:
                    progress(count)
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
    return count


def _insert_statement(table: Table) -> str:
    """The single-row INSERT the ORM writes for the table's fields, every value a parameter."""
    query = InsertQuery(table.model)
    query.insert_values(table.fields, [table.model()])
    [(statement, _)] = query.get_compiler(connection=connection).as_sql()
    return statement


@contextmanager
def indexes_built_after(model: type[models.Model], *, adding: int) -> Iterator[None]:
    """On SQLite, when the caller is about to add more rows to `model`'s table than it holds,
    drop the table's non-unique indexes and build them again once the rows are in: SQLite then
    builds each from sorted keys in one pass, rather than placing every row's key at a random
    page of a B-tree larger than its cache (a million members: 18.0 s with the indexes kept,
    10.9 s dropped and built again, measured alone on this project's 2-core machine).

    Call inside the transaction that adds the rows: SQLite's schema changes are transactional,
    so a rollback or a killed process leaves the indexes as they were, and other connections
    (WAL) go on reading with them until the commit. Unique indexes stay, so every row is checked
    as it goes in. On PostgreSQL nothing is done: COPY is fast there, and dropping an index would
    lock the table against readers until the commit."""
    if connection.vendor != "sqlite" or adding < INDEXES_REBUILT_FROM:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Indexes are rebuilt only inside the transaction that adds the rows.")
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Every name below is our own table's, read from SQLite's catalogue; no value is user data.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        (held,) = cursor.fetchone()
        if adding <= held:
            indexes = []
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS "
                           "NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
            indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    except BaseException:
        transaction.set_rollback(True)  # the indexes come back with everything else
        raise
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


class Spill:
    """Rows for several tables, on disk until they are written. Each table's rows go to an
    anonymous temporary file (it never has a name, and is gone when closed or when the process
    dies), a batch at a time, so memory holds one batch whatever the return's size.

    A batch is written with marshal, which does plain tuples of text, numbers, booleans and None
    (all a row holds: records.py) several times faster than pickle, and pickle takes any batch
    that holds something else."""

    def __init__(self):
        self.files: dict[Table, BinaryIO] = {}
        self.counts: dict[Table, int] = {}

    def add(self, table: Table, rows: list[tuple]) -> None:
        file = self.files.get(table)
        if file is None:
            file = self.files[table] = tempfile.TemporaryFile(prefix="crossline-rows-")
        try:
            kind, data = _MARSHAL, marshal.dumps(rows, 4)
        except ValueError:  # a value marshal does not do
            kind, data = _PICKLE, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        file.write(_FRAME.pack(kind, len(data)))
        file.write(data)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def rows(self, table: Table) -> Iterator[tuple]:
        """The rows added for `table`, in the order they were added."""
        file = self.files.get(table)
        if file is None:
            return
        file.flush()
        file.seek(0)
        while True:
            frame = file.read(_FRAME.size)
            if not frame:
                return
            kind, length = _FRAME.unpack(frame)
            data = file.read(length)
            if len(data) != length:
                raise EOFError("a spilled batch was cut short")
            # Our own file, written above: nobody else can reach it (see the imports).
            if kind == _MARSHAL:
                yield from marshal.loads(data)  # noqa: S302  # nosec B302
            else:
                yield from pickle.loads(data)  # noqa: S301  # nosec B301

    def close(self) -> None:
        for file in self.files.values():
            file.close()
        self.files.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
