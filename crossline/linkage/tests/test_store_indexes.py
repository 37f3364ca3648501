"""A run that adds more members than the member table holds (an initial load) builds the table's
indexes again once the rows are in, rather than placing each row in them (bulk.indexes_built_after,
on SQLite). What users depend on: afterwards the indexes are all there, as the migrations made
them, and agree with the table; a run that fails part-way leaves the table as it was, indexes
included, and the next run stores everything."""

import pytest
from django.db import connection

from crossline.linkage import store
from crossline.linkage.models import EntityLink, EntityMember, LinkRun, RunStatus
from crossline.linkage.runs import linkage_resolve_full
from crossline.linkage.tests.support import background_people, entity_of, person, submit_return
from crossline.returns import bulk

pytestmark = pytest.mark.django_db

WEST_YORKSHIRE, NORTH_YORKSHIRE = "E23000010", "E23000009"


def index_definitions(model) -> set[tuple[str, str]]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                           [table])
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return set(cursor.fetchall())


def consistent() -> bool:
    """SQLite's own check that every index holds exactly the table's rows."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        return cursor.fetchall() == [("ok",)]


@pytest.fixture
def returns_to_resolve(monkeypatch):
    # Rebuilt from any size here, so that a few hundred records take the initial-load path.
    monkeypatch.setattr(bulk, "INDEXES_REBUILT_FROM", 1)
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Okafor", "Chidi", "2008-03-14"), *background_people(150, seed=3)])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[person("NY-P-9", "Okafor", "Chidi", "2008-03-14")])


def test_an_initial_load_leaves_every_index_as_the_migrations_made_it(returns_to_resolve):
    members_before, links_before = index_definitions(EntityMember), index_definitions(EntityLink)

    linkage_resolve_full()

    assert EntityMember.objects.filter(kind="person").count() == 152
    assert index_definitions(EntityMember) == members_before
    assert index_definitions(EntityLink) == links_before
    assert consistent()
    # Found through the (kind, force, ref) index: the same child, reported by both forces.
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") == entity_of("person", NORTH_YORKSHIRE, "NY-P-9")


def test_a_run_that_fails_while_storing_leaves_the_table_and_its_indexes_as_they_were(returns_to_resolve,
                                                                                      monkeypatch):
    before = index_definitions(EntityMember)
    write_rows = store.write_rows

    def write_then_fail(table, rows, **options):
        written = write_rows(table, rows, **options)
        if table is store.MEMBERS:
            raise OSError("disk full")  # after the rows are in and before the indexes are built again
        return written

    monkeypatch.setattr(store, "write_rows", write_then_fail)
    with pytest.raises(OSError):
        linkage_resolve_full()

    assert not EntityMember.objects.exists()
    assert index_definitions(EntityMember) == before
    assert consistent()
    assert LinkRun.objects.get().status == RunStatus.FAILED

    monkeypatch.setattr(store, "write_rows", write_rows)
    linkage_resolve_full()
    assert EntityMember.objects.filter(kind="person").count() == 152
    assert index_definitions(EntityMember) == before
    assert consistent()


@pytest.mark.django_db(transaction=True)  # no transaction open around the test
def test_indexes_are_rebuilt_only_inside_the_transaction_that_adds_the_rows(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its indexes (COPY is fast there)")
    monkeypatch.setattr(bulk, "INDEXES_REBUILT_FROM", 1)
    with pytest.raises(RuntimeError, match="inside the transaction"), bulk.indexes_built_after(EntityMember,
                                                                                            adding=10):
        pass
