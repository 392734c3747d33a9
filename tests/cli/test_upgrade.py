#!/usr/bin/env python3
"""In-place upgrade: a database made by the first schema version (the
released 0001_init.sql, loaded with the sqlite3 CLI, plus the rows of
tests/cli/fixtures/schema1_rows.sql) is brought to the newest version by
`switchboard migrate --data DIR`, and a server then serves the old rows.

Usage: python3 tests/cli/test_upgrade.py BUILD/switchboard
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sbtest import Server, cli, token  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SCHEMA1 = os.path.join(ROOT, "src", "store", "migrations", "sqlite", "0001_init.sql")
ROWS = os.path.join(ROOT, "tests", "cli", "fixtures", "schema1_rows.sql")
# The schema_migrations table as store.c makes it.
VERSIONS = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);"


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL", what)

    tmp = tempfile.mkdtemp(prefix="sb-upgrade-")
    try:
        data = os.path.join(tmp, "var")
        os.mkdir(data, 0o700)
        db_path = os.path.join(data, "switchboard.db")
        with open(SCHEMA1) as f1, open(ROWS) as f2:
            sql = VERSIONS + "\n" + f1.read() + "\n" + f2.read()
        subprocess.run(["sqlite3", "-bail", db_path], input=sql, text=True, check=True)

        p = cli(binary, "migrate", "--data", data)
        newest = len(os.listdir(os.path.join(ROOT, "src", "store", "migrations", "sqlite")))
        expect(p.stdout.decode() == f"schema migrated from version 1 to {newest}\n",
               f"migrate reports the upgrade: {p.stdout!r}")
        p = cli(binary, "migrate", "--data", data)
        expect(b"nothing to do" in p.stdout, f"a second migrate does nothing: {p.stdout!r}")

        db = sqlite3.connect(db_path)
        row = db.execute("SELECT sla_breach_at, emergency_quiet_since, missing_required "
                         "FROM tickets WHERE id = 42").fetchone()
        expect(row == (4102444800, 1767300000, ""),
               f"migration 4 armed the old emergency's timers: {row}")
        row = db.execute("SELECT sla_breach_at, missing_required FROM tickets WHERE id = 41").fetchone()
        expect(row == (None, ""), f"the answered ticket has no timer: {row}")
        versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        expect(versions == list(range(1, newest + 1)), f"every version recorded: {versions}")
        db.close()

        spoc = token(binary, data, "spoc@old.example")
        agent = token(binary, data, "agent@old.example")
        srv = Server(binary, data)
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
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"upgrade: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
