#!/usr/bin/env python3
"""`switchboard export` and `switchboard import` (docs/operations.md).

Builds a deployment through the API (users, an organization, tickets with
object ids, comments, attachments, a draft, an engineering link, a webhook
with its deliveries, the mail outbox), exports it while the server runs,
imports it into a new data directory and exports that again: the two
streams must be byte-identical but for the header's exported_at, which is
how every row read back is checked against the exported one. Then the
refusals: a non-empty target, a truncated stream, bad JSON, a blob whose
bytes do not match its hash, another schema version; each with a clear
message, exit 2, and nothing imported.

Usage: python3 tests/cli/test_export_import.py BUILD/switchboard
"""

import base64
import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sbtest import Checks, PASSWORD, Server, cli, token  # noqa: E402

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00\xff" * 300
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def build_deployment(binary, data):
    cli(binary, "user", "add", "--data", data, "--email", "admin@desk.example", "--name",
        "Admin", "--role", "admin", "--password", PASSWORD)
    admin = token(binary, data, "admin@desk.example")
    srv = Server(binary, data)
    try:
        def ok(res, what):
            assert res[0] in (200, 201), f"{what}: {res}"
            return res[1]
        rq = srv.request
        rep = ok(rq("POST", "/api/v1/users", admin, {"email": "rep@desk.example", "name": "Rep",
                                                     "role": "account-rep", "password": PASSWORD}), "rep")
        org = ok(rq("POST", "/api/v1/orgs", admin, {"name": "Acme Ñandú", "member_id": "1001",
                                                    "account_rep_id": rep["id"]}), "org")
        spoc = ok(rq("POST", "/api/v1/users", admin, {"email": "spoc@acme.example", "name": "Zoë Spoc",
                                                      "role": "contact", "org_id": org["id"],
                                                      "password": PASSWORD}), "spoc")
        ok(rq("PATCH", f"/api/v1/orgs/{org['id']}", admin, {"spoc_id": spoc["id"]}), "set spoc")
        ok(rq("POST", "/api/v1/users", admin, {"email": "agent@desk.example", "name": "Agent",
                                               "role": "agent", "teams": ["client-services"],
                                               "password": PASSWORD}), "agent")
        ok(rq("POST", "/api/v1/webhooks", admin, {"url": "http://127.0.0.1:9/hook",
                                                  "events": ["ticket.created", "comment.created"],
                                                  "description": "CRM"}), "webhook")
        sp = token(binary, data, "spoc@acme.example")
        ok(rq("POST", "/api/v1/session", None, {"email": "agent@desk.example",
                                                "password": PASSWORD}), "a session")
        t1 = ok(rq("POST", "/api/v1/tickets", sp, {
            "request_type": "ui-api-bug", "subject": "Save button does nothing — 日本",
            "description": "Line one\nline two \"quoted\" \\ backslash", "impact": "Bids stuck",
            "steps": "1. PUT /line-item", "browser": "curl 8.5", "os": "Debian 12"}), "ticket 1")
        t2 = ok(rq("POST", "/api/v1/tickets", sp, {
            "request_type": "anti-malvertising", "subject": "Bad creative",
            "description": "Redirects", "impact": "Users hijacked",
            "object_ids": [{"type": "creative", "id": "9003"}, {"type": "creative", "id": "9001"},
                           {"type": "creative", "id": "9002"}]}), "ticket 2")
        ok(rq("POST", f"/api/v1/tickets/{t1['id']}/comments", admin, {"body": "On it. ✓"}), "reply")
        ok(rq("POST", f"/api/v1/tickets/{t1['id']}/comments", admin,
              {"body": "internal", "kind": "note"}), "note")
        ok(rq("POST", f"/api/v1/tickets/{t1['id']}/attachments", sp, None,
              files=[("shot.png", PNG, "image/png"), ("spec.pdf", PDF, "application/pdf")]), "files")
        ok(rq("POST", f"/api/v1/tickets/{t2['id']}/attachments", sp, None,
              files=[("same.png", PNG, "image/png")]), "same bytes again")
        issue = ok(rq("POST", "/api/v1/engineering-issues", admin, {"key": "ENG-7", "title": "Fix"}),
                   "issue")
        ok(rq("POST", f"/api/v1/tickets/{t1['id']}/engineering-links", admin,
              {"issue_id": issue["id"]}), "link")
        ok(rq("POST", "/api/v1/drafts", sp, {"subject": "half-written"}), "draft")
        return srv, sp, t1, t2
    except BaseException:
        srv.stop()
        raise


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def with_corrupt_blob(stream, first=True):
    """STREAM (lines) with one bit of a blob's bytes flipped: the first
    blob's, or the last's, whose rows have all been loaded before it."""
    bad = list(stream)
    blobs = [k for k, line in enumerate(bad) if line.startswith(b'{"blob"')]
    i = blobs[0] if first else blobs[-1]
    o = json.loads(bad[i])
    raw = bytearray(base64.b64decode(o["data"]))
    raw[10] ^= 1
    o["data"] = base64.b64encode(bytes(raw)).decode()
    bad[i] = json.dumps(o, separators=(",", ":")).encode()
    return bad


def count(data, table):
    db = sqlite3.connect(os.path.join(data, "switchboard.db"))
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def main():
    binary = os.path.abspath(sys.argv[1])
    checks = Checks()
    expect = checks.expect

    tmp = tempfile.mkdtemp(prefix="sb-export-")
    try:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        srv, sp, t1, t2 = build_deployment(binary, a)
        try:
            # Exported while the server runs: one read snapshot.
            first = os.path.join(tmp, "first.jsonl")
            p = cli(binary, "export", "--data", a, "--output", first)
            expect(p.stderr == b"", f"no progress when stderr is not a terminal: {p.stderr!r}")
            live = srv.request("GET", f"/api/v1/tickets/{t1['id']}", sp)
            expect(live[0] == 200, "the server keeps serving during the export")
        finally:
            srv.stop()
        ls = lines(first)
        header = json.loads(ls[0])
        expect(header["format"] == "switchboard-export" and header["schema_version"] == 7,
               f"header: {header}")
        tables = {json.loads(l)["table"]: json.loads(l)["rows"] for l in ls
                  if l.startswith(b'{"table"')}
        db = sqlite3.connect(os.path.join(a, "switchboard.db"))
        in_db = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for l in ls:
            if l.startswith(b'{"table"'):
                t = json.loads(l)
                cols = [r[1] for r in db.execute(f"PRAGMA table_info({t['table']})")]
                expect(t["columns"] == cols, f"{t['table']}: every column, in order: {t['columns']} {cols}")
        db.close()
        expect(set(tables) == in_db - {"schema_migrations"},
               f"every table is exported: missing {in_db - set(tables) - {'schema_migrations'}}")
        for t in ("users", "orgs", "tickets", "ticket_object_ids", "comments", "history",
                  "attachments", "outbox", "webhooks", "webhook_deliveries", "drafts",
                  "engineering_issues", "ticket_engineering_links", "api_tokens", "sessions"):
            expect(tables.get(t, 0) > 0, f"the deployment has rows in {t} ({tables.get(t)})")
        blobs = [json.loads(l) for l in ls if l.startswith(b'{"blob"')]
        expect(len(blobs) == 2, f"identical uploads are one blob: {len(blobs)}")

        # Import into a new directory, then export again: the same bytes.
        p = cli(binary, "import", "--data", b, "--input", first)
        expect(b"imported" in p.stdout and p.stderr == b"", f"import says what it did: {p.stdout!r}")
        second = os.path.join(tmp, "second.jsonl")
        cli(binary, "export", "--data", b, "--output", second)
        l2 = lines(second)
        h2 = json.loads(l2[0])
        del header["exported_at"], h2["exported_at"]
        expect(h2 == header, f"headers differ beyond exported_at: {header} {h2}")
        expect(l2[1:] == ls[1:], "export -> import -> export gives the same rows and blobs")
        # stdout is the default output and carries the stream alone.
        p = cli(binary, "export", "--data", b)
        expect(p.stdout.split(b"\n")[1:] == ls[1:], "export to stdout is the same stream")
        for blob in blobs:
            path = os.path.join(b, "attachments", blob["blob"][:2], blob["blob"])
            with open(path, "rb") as f:
                expect(f.read() == base64.b64decode(blob["data"]), f"blob {blob['blob']} restored")

        # The imported deployment serves: the same token (its hash moved), ticket, file.
        srv = Server(binary, b)
        try:
            st, t = srv.request("GET", f"/api/v1/tickets/{t2['id']}", sp)
            expect(st == 200 and t["subject"] == "Bad creative", f"ticket read back: {st} {t}")
            expect([o["id"] for o in t.get("object_ids", [])] == ["9003", "9001", "9002"],
                   f"object ids keep their order: {t.get('object_ids')}")
            st, items = srv.request("GET", f"/api/v1/tickets/{t1['id']}/attachments", sp)
            expect(st == 200 and len(items["items"]) == 2, f"attachments listed: {items}")
            if st == 200 and items["items"]:
                st, raw = srv.request("GET", items["items"][0]["url"], sp)
                expect(st == 200 and raw == PNG, "attachment bytes served after import")
            st, new = srv.request("POST", f"/api/v1/tickets/{t1['id']}/comments", sp,
                                  {"body": "after the move"})
            expect(st == 201, f"new rows get fresh ids after an import: {st} {new}")
        finally:
            srv.stop()

        # Refusals.
        def refused(name, stream, word, target=None):
            target = target or os.path.join(tmp, "r-" + name)
            path = os.path.join(tmp, name + ".jsonl")
            with open(path, "wb") as f:
                f.write(stream)
            p = cli(binary, "import", "--data", target, "--input", path, check=False)
            err = p.stderr.decode()
            expect(p.returncode == 2 and word in err and err.count("\n") == 1 and p.stdout == b"",
                   f"{name}: exit 2, one line naming '{word}' (got {p.returncode}, {err!r})")
            if not target.endswith(b[-2:]):
                expect(count(target, "users") == 0 and count(target, "tickets") == 0,
                       f"{name}: nothing imported")
                expect(not os.path.exists(os.path.join(target, "attachments")),
                       f"{name}: no attachment files written")

        whole = b"\n".join(ls)
        p = cli(binary, "import", "--data", b, "--input", first, check=False)
        expect(p.returncode == 2 and b"not empty" in p.stderr,
               f"a non-empty target is refused: {p.returncode} {p.stderr!r}")
        expect(count(b, "comments") == tables["comments"] + 1, "the refused import changed nothing")
        refused("no-trailer", b"\n".join(ls[:-2]) + b"\n", "trailer")
        refused("mid-line", whole[: len(whole) // 2], "truncated")
        bad = list(ls)
        bad[5] = bad[5][:-3] + b"}}"
        refused("bad-json", b"\n".join(bad), "not JSON")
        refused("bad-hash", b"\n".join(with_corrupt_blob(ls)), "hash")
        bad = list(ls)
        bad[0] = bad[0].replace(b'"schema_version":7', b'"schema_version":6')
        refused("old-schema", b"\n".join(bad), "schema version 6")
        bad = list(ls)
        bad.insert(3, bad[2])
        refused("extra-row", b"\n".join(bad), "line 7: expected the header of table teams")
        refused("not-an-export", b'{"hello":1}\n', "not a Switchboard export")

        # A pipe works too (spooled), and the progress bar shows on a terminal.
        c = os.path.join(tmp, "piped")
        with open(first, "rb") as f:
            master, slave = pty.openpty()
            p = subprocess.run([binary, "import", "--data", c], stdin=f, stdout=subprocess.PIPE,
                               stderr=slave, timeout=120)
            os.close(slave)
            shown = b""
            try:
                while True:
                    chunk = os.read(master, 65536)
                    if not chunk:
                        break
                    shown += chunk
            except OSError:
                pass
            os.close(master)
        expect(p.returncode == 0, f"import from a pipe: {p.returncode}")
        expect(b"tickets" in shown and b"[####" in shown,
               f"a progress bar on a terminal: {shown[:200]!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    return checks.report("export/import")


if __name__ == "__main__":
    sys.exit(main())
