#!/usr/bin/env python3
"""In-place upgrade: a database made by the first schema version (the
released 0001_init.sql of its engine, plus the rows of
tests/cli/fixtures/schema1_rows.sql, which both engines read) is brought to
the newest version by `switchboard migrate`, and a server then serves the
old rows.

On SQLite the database is the data directory's; with
SWITCHBOARD_TEST_DATABASE_URL set (`make check-pg`) it is a fresh PostgreSQL
database, given to every command with --database.

Usage: python3 tests/cli/test_upgrade.py BUILD/switchboard
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sbtest import Checks, PG_URL, PgDatabase, Server, SqliteDatabase, cli, token  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ROWS = os.path.join(ROOT, "tests", "cli", "fixtures", "schema1_rows.sql")
# The schema_migrations table as store.c makes it.
VERSIONS = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);"
# A deployment's identity sequences stand past the ids it handed out; rows
# inserted with their ids leave them at 1, so they are moved as use would
# have moved them.
PG_SEQUENCES = """
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = 'public' AND is_identity = 'YES' LOOP
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), '
                   'coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',
                   c.table_name, c.column_name, c.column_name, c.table_name);
  END LOOP;
END $$;
"""


def main():
    binary = os.path.abspath(sys.argv[1])
    checks = Checks()
    expect = checks.expect

    tmp = tempfile.mkdtemp(prefix="sb-upgrade-")
    data = os.path.join(tmp, "var")
    os.mkdir(data, 0o700)
    db = PgDatabase() if PG_URL else SqliteDatabase(data)
    print(f"upgrade on {db.name}")
    try:
        migrations = os.path.join(ROOT, "src", "store", "migrations", db.name)
        with open(os.path.join(migrations, "0001_init.sql")) as f1, open(ROWS) as f2:
            sql = VERSIONS + "\n" + f1.read() + "\n" + f2.read()
        db.load(sql + (PG_SEQUENCES if db.name == "postgres" else ""))

        p = cli(binary, "migrate", "--data", data, *db.args)
        newest = len(os.listdir(migrations))
        expect(p.stdout.decode() == f"schema migrated from version 1 to {newest}\n",
               f"migrate reports the upgrade: {p.stdout!r}")
        p = cli(binary, "migrate", "--data", data, *db.args)
        expect(b"nothing to do" in p.stdout, f"a second migrate does nothing: {p.stdout!r}")

        row = db.rows("SELECT sla_breach_at, emergency_quiet_since, missing_required "
                      "FROM tickets WHERE id = 42")
        expect(row == [(4102444800, 1767300000, "")],
               f"migration 4 armed the old emergency's timers: {row}")
        row = db.rows("SELECT sla_breach_at, missing_required FROM tickets WHERE id = 41")
        expect(row == [(None, "")], f"the answered ticket has no timer: {row}")
        versions = [r[0] for r in db.rows("SELECT version FROM schema_migrations ORDER BY 1")]
        expect(versions == list(range(1, newest + 1)), f"every version recorded: {versions}")

        spoc = token(binary, data, "spoc@old.example", db.args)
        agent = token(binary, data, "agent@old.example", db.args)
        srv = Server(binary, data, db.args)
        try:
            st, t = srv.request("GET", "/api/v1/tickets/41", spoc)
            expect(st == 200 and t.get("subject") == "Old ticket from version 1"
                   and t.get("status") == "open", f"the old ticket is served: {st} {t}")
            st, c = srv.request("GET", "/api/v1/tickets/41/comments", spoc)
            bodies = [x["body"] for x in c.get("items", [])] if st == 200 else c
            expect(bodies == ["Fixed in the next release."],
                   f"the customer sees the old reply, not the note: {bodies}")
            st, c = srv.request("GET", "/api/v1/tickets/41/comments", agent)
            expect(st == 200 and len(c["items"]) == 2, f"the agent sees both: {st} {c}")
            st, lst = srv.request("GET", "/api/v1/tickets", spoc)
            ids = sorted(x["id"] for x in lst.get("items", [])) if st == 200 else lst
            expect(ids == [41, 42], f"the organization's tickets are listed: {ids}")
            st, t = srv.request("GET", "/api/v1/tickets/42", agent)
            expect(st == 200 and [o["id"] for o in t.get("object_ids", [])] == ["9001"],
                   f"the emergency keeps its object ids: {st} {t}")
            st, n = srv.request("POST", "/api/v1/tickets/41/comments", agent, {"body": "Still here."})
            expect(st == 201 and n.get("id", 0) > 8, f"new rows after the old ones: {st} {n}")
        finally:
            srv.stop()
    finally:
        db.drop()
        shutil.rmtree(tmp, ignore_errors=True)

    return checks.report("upgrade")


if __name__ == "__main__":
    sys.exit(main())
