"""Writing many rows to one table fast, inside the caller's transaction.

PostgreSQL: one `COPY ... FROM STDIN` per table, rows streamed through psycopg's `write_row`, so
neither side holds the whole table in memory. SQLite: one prepared INSERT run over batches of
BATCH rows (`executemany`).
Either way the rows are checked by the same constraints as any insert, and become visible to
others only when the caller's transaction commits.
"""

import json
from collections.abc import Callable, Iterable

from django.db import connection, models
from django.db.models.sql import InsertQuery
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

BATCH = 2_000


class Table:
    """A model and the fields each row gives, in order (foreign keys as ids)."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...]):
        self.model = model
        self.fields = tuple(model._meta.get_field(name) for name in fields)
        self.json_positions = tuple(
            index for index, field in enumerate(self.fields) if isinstance(field, models.JSONField)
        )


def write_rows(table: Table, rows: Iterable[tuple], *, progress: Callable[[int], None] | None = None) -> int:
    """Insert every row of `rows` into `table`; return how many. Call inside a transaction."""
    if connection.vendor == "postgresql":
        return _copy(table, rows, progress)
    return _insert_many(table, rows, progress)


def _copy(table: Table, rows: Iterable[tuple], progress) -> int:
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table.model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(field.column) for field in table.fields),
    )
    json_positions = table.json_positions
    count = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The queued writer sends from a thread of its own, so that the server stores one batch
        # while Python lays out the next.
        raw = cursor.cursor
        with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
            write_row = copy.write_row
            for row in rows:
                if json_positions:
                    row = list(row)
                    for index in json_positions:
                        row[index] = _json(row[index])
                write_row(row)
                count += 1
                if progress is not None and count % BATCH == 0:
                    progress(count)
    return count


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json(value) -> str:
    # Most list cells are empty or hold one plain string: skip the encoder's overhead for those.
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return _encode(value)


def _insert_many(table: Table, rows: Iterable[tuple], progress) -> int:
    # Not bulk_create: on SQLite it may bind at most 999 values per statement, so a 40-column
    # table goes in 24 rows at a time. The ORM's own single-row INSERT, run over each batch of
    # BATCH rows with executemany, is several times faster.
    statement = _insert_statement(table)
    json_positions = table.json_positions
    batch: list = []
    count = 0
    with connection.cursor() as cursor:
        for row in rows:
            if json_positions:
                row = list(row)
                for index in json_positions:
                    row[index] = _json(row[index])
            batch.append(row)
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
