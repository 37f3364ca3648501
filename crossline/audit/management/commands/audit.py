"""crossline audit verify | crossline audit anchor [--every MINUTES] | crossline audit grant-app-role ROLE"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from crossline.audit.anchors import AnchorFileDamaged, anchor_breaks, anchor_file, anchor_head, anchors_read
from crossline.audit.models import AuditEvent
from crossline.audit.selectors import audit_chain_stream, chain_breaks

EXPLANATIONS = {
    "row changed": "its content no longer matches its hash",
    "chain broken": "it does not follow on from the record before it (a record was removed or rewritten)",
}


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or grant the production app role its rights."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,anchor,grant-app-role}")
        commands.add_parser("verify", help="Recompute the hash chain and check the anchored heads; exit status 1 "
                                           "if any record or anchor fails.")
        anchor = commands.add_parser("anchor", help="Append the chain's head to the anchor file (AUDIT_ANCHOR_FILE), "
                                                    "a store outside the database. Run hourly.")
        anchor.add_argument("--every", type=int, metavar="MINUTES",
                            help="Run again every MINUTES minutes until stopped (for the demonstration).")
        grant = commands.add_parser(
            "grant-app-role",
            help="PostgreSQL: let ROLE read and write every table, but only read and append the audit trail.",
        )
        grant.add_argument("role", help="The non-owner role the application connects as.")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            return self.verify()
        if options["subcommand"] == "anchor":
            return self.anchor(every=options["every"])
        return self.grant_app_role(options["role"])

    def verify(self):
        records = breaks = 0

        def counted(events):
            nonlocal records
            for event in events:
                records += 1
                yield event

        # One transaction: PostgreSQL's server-side cursor then reads a single consistent snapshot.
        with transaction.atomic():
            for found in chain_breaks(counted(audit_chain_stream())):
                breaks += 1
                self.stdout.write(f"Record {found.event_id}: {found.problem}: {EXPLANATIONS[found.problem]}")
            try:
                anchors = anchors_read()
            except AnchorFileDamaged as error:
                self.stderr.write(f"Audit anchors FAILED: {error}")
                raise SystemExit(1) from error
            broken_anchors = 0
            for anchor, problem in anchor_breaks(anchors):
                broken_anchors += 1
                self.stdout.write(f"Anchor of record {anchor.event_id} at {anchor.anchored_at}: {problem}")
        if breaks or broken_anchors:
            self.stderr.write(f"Audit chain FAILED: {records} records, {breaks} breaks, "
                              f"{broken_anchors} of {len(anchors)} anchors not honoured")
            raise SystemExit(1)
        self.stdout.write(f"Audit chain verified: {records} records, 0 breaks, {len(anchors)} anchors honoured")

    def anchor(self, *, every: int | None) -> None:
        if every is not None and every < 1:
            raise CommandError("--every takes a number of minutes, at least 1.")
        while True:
            anchored = anchor_head()
            if anchored is None:
                self.stdout.write("Nothing new to anchor: the head is already anchored, or the trail is empty.")
            else:
                self.stdout.write(f"Anchored record {anchored.event_id} ({anchored.row_hash[:12]}…) in {anchor_file()}")
            if every is None:
                return
            time.sleep(every * 60)

    def grant_app_role(self, role: str):
        if connection.vendor != "postgresql":
            raise CommandError("grant-app-role is for PostgreSQL; SQLite has no roles.")
        audit_table = sql.Identifier(AuditEvent._meta.db_table)
        who = sql.Identifier(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no database role called {role!r}.")
            cursor.execute("SELECT current_schema()")
            (schema_name,) = cursor.fetchone()
            schema = sql.Identifier(schema_name)
            for statement in (
                "GRANT USAGE ON SCHEMA {schema} TO {who}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
                # The audit trail is append-only for the application, whatever the triggers say.
                "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {who}",
            ):
                cursor.execute(sql.SQL(statement).format(schema=schema, who=who, audit=audit_table))
        self.stdout.write(
            f"Granted {role} read and write on the tables in schema {schema_name}, "
            f"and only SELECT and INSERT on {AuditEvent._meta.db_table}. Run again after each migrate."
        )
