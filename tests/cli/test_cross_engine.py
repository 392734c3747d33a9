#!/usr/bin/env python3
"""Moving a deployment between engines with `switchboard export` and
`switchboard import` (docs/operations.md): SQLite to PostgreSQL and back.

The deployment of test_export_import.py, built on SQLite, is exported,
imported into a fresh PostgreSQL database and exported from there: the two
streams must be byte-identical but for the header's exported_at and source
(the engine it was read from), which is
how every row and file read back from PostgreSQL is checked. The server then
runs on the PostgreSQL copy: it serves the old rows, and a new row takes the
id after the highest imported one (the identity sequences were moved). The
PostgreSQL export, imported into a new SQLite directory, gives the same
stream again. A corrupt stream is refused on PostgreSQL with nothing
imported, and so is a database that is not empty.

Needs SWITCHBOARD_TEST_DATABASE_URL (`make check-pg`).

Usage: python3 tests/cli/test_cross_engine.py BUILD/switchboard
"""

import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sbtest import Checks, PG_URL, PgDatabase, Server, cli  # noqa: E402
from test_export_import import PNG, build_deployment, lines, with_corrupt_blob  # noqa: E402


def rows_of(stream):
    """The row counts of an export, by table."""
    return {json.loads(l)["table"]: json.loads(l)["rows"] for l in stream
            if l.startswith(b'{"table"')}


def max_id(stream, table):
    """The highest id among TABLE's rows in an export."""
    out, current, cols = 0, None, None
    for l in stream:
        if l.startswith(b'{"table"'):
            t = json.loads(l)
            current, cols = t["table"], t["columns"]
        elif l.startswith(b"[") and current == table:
            out = max(out, json.loads(l)[cols.index("id")])
    return out


def main():
    if not PG_URL:
        print("cross-engine: SWITCHBOARD_TEST_DATABASE_URL is not set")
        return 2
    binary = os.path.abspath(sys.argv[1])
    checks = Checks()
    expect = checks.expect

    def same_stream(a, b, what, engines):
        ha, hb = json.loads(a[0]), json.loads(b[0])
        expect((ha.get("source"), hb.get("source")) == engines,
               f"{what}: each header names its engine: {ha} {hb}")
        for h in (ha, hb):
            h.pop("exported_at"), h.pop("source", None)
        expect(ha == hb, f"{what}: headers differ beyond exported_at and source: {ha} {hb}")
        expect(a[1:] == b[1:], f"{what}: the same rows and blobs")

    tmp = tempfile.mkdtemp(prefix="sb-cross-")
    pg = PgDatabase()
    other = PgDatabase()
    try:
        lite, pgdir, back = (os.path.join(tmp, d) for d in ("lite", "pg", "back"))
        srv, sp, t1, t2 = build_deployment(binary, lite)
        srv.stop()
        first = os.path.join(tmp, "sqlite.jsonl")
        cli(binary, "export", "--data", lite, "--output", first)
        ls = lines(first)

        # SQLite -> PostgreSQL -> export: the same stream.
        p = cli(binary, "import", "--data", pgdir, *pg.args, "--input", first)
        expect(b"imported" in p.stdout, f"import into PostgreSQL says what it did: {p.stdout!r}")
        second = os.path.join(tmp, "postgres.jsonl")
        cli(binary, "export", "--data", pgdir, *pg.args, "--output", second)
        l2 = lines(second)
        same_stream(ls, l2, "SQLite -> PostgreSQL", ("sqlite", "postgres"))
        counts = rows_of(ls)
        for table, n in counts.items():
            got = pg.rows(f"SELECT count(*) FROM {table}")[0][0]
            expect(got == n, f"{table}: {n} rows in PostgreSQL, got {got}")
        # On PostgreSQL the attachment bytes are rows too, none of them files.
        nblobs = sum(1 for line in ls if line.startswith(b'{"blob"'))
        got = pg.rows("SELECT count(*) FROM blobs")[0][0]
        expect(nblobs > 0 and got == nblobs, f"{nblobs} blobs in PostgreSQL, got {got}")
        expect(not os.path.exists(os.path.join(pgdir, "attachments")),
               "no attachment files beside PostgreSQL")

        # The server on the PostgreSQL copy: the old rows, and new ids after them.
        expect(max_id(ls, "comments") > 1 and max_id(ls, "tickets") > 1,
               "the export's highest ids are read")
        srv = Server(binary, pgdir, pg.args)
        try:
            st, t = srv.request("GET", f"/api/v1/tickets/{t2['id']}", sp)
            expect(st == 200 and t.get("subject") == "Bad creative", f"ticket read back: {st} {t}")
            expect([o["id"] for o in t.get("object_ids", [])] == ["9003", "9001", "9002"],
                   f"object ids keep their order: {t.get('object_ids')}")
            st, items = srv.request("GET", f"/api/v1/tickets/{t1['id']}/attachments", sp)
            expect(st == 200 and len(items.get("items", [])) == 2, f"attachments listed: {items}")
            if st == 200 and items["items"]:
                st, raw = srv.request("GET", items["items"][0]["url"], sp)
                expect(st == 200 and raw == PNG, "attachment bytes served from PostgreSQL's copy")
            st, c = srv.request("POST", f"/api/v1/tickets/{t1['id']}/comments", sp,
                                {"body": "after the move"})
            expect(st == 201 and c.get("id") == max_id(ls, "comments") + 1,
                   f"a new comment takes the next id ({max_id(ls, 'comments') + 1}): {st} {c}")
            st, t = srv.request("POST", "/api/v1/tickets", sp, {
                "request_type": "ui-api-bug", "subject": "Filed after the move",
                "description": "d", "impact": "i", "steps": "s", "browser": "b", "os": "o"})
            expect(st == 201 and t.get("id") == max_id(ls, "tickets") + 1,
                   f"a new ticket takes the next id ({max_id(ls, 'tickets') + 1}): {st} {t}")
        finally:
            srv.stop()

        # PostgreSQL -> SQLite: the PostgreSQL export, imported and exported again.
        cli(binary, "import", "--data", back, "--input", second)
        third = os.path.join(tmp, "back.jsonl")
        cli(binary, "export", "--data", back, "--output", third)
        same_stream(l2, lines(third), "PostgreSQL -> SQLite", ("postgres", "sqlite"))

        # A non-empty PostgreSQL database is refused, and left as it was.
        comments = pg.rows("SELECT count(*) FROM comments")[0][0]
        p = cli(binary, "import", "--data", pgdir, *pg.args, "--input", first, check=False)
        expect(p.returncode == 2 and b"not empty" in p.stderr,
               f"a non-empty PostgreSQL database is refused: {p.returncode} {p.stderr!r}")
        expect(pg.rows("SELECT count(*) FROM comments")[0][0] == comments,
               "the refused import changed nothing")

        # A blob whose bytes do not match its hash, at the end of the stream:
        # every row before it was inserted, and is rolled back.
        path = os.path.join(tmp, "bad-hash.jsonl")
        with open(path, "wb") as f:
            f.write(b"\n".join(with_corrupt_blob(ls, first=False)))
        target = os.path.join(tmp, "bad")
        p = cli(binary, "import", "--data", target, *other.args, "--input", path, check=False)
        expect(p.returncode == 2 and b"hash" in p.stderr,
               f"a corrupt blob is refused: {p.returncode} {p.stderr!r}")
        for table in ("users", "tickets", "comments", "attachments", "blobs"):
            n = other.rows(f"SELECT count(*) FROM {table}")[0][0]
            expect(n == 0, f"nothing imported into {table}: {n}")
        expect(not os.path.exists(os.path.join(target, "attachments")),
               "no attachment files written")
    finally:
        pg.drop()
        other.drop()
        shutil.rmtree(tmp, ignore_errors=True)

    return checks.report("cross-engine")


if __name__ == "__main__":
    sys.exit(main())
