"""Helpers for the command-line tests that need a running server: a real
`switchboard serve` on a temporary data directory and an ephemeral port,
and a small JSON/multipart client. Standard library only.

With SWITCHBOARD_TEST_DATABASE_URL set (a PostgreSQL server's URL, as
scripts/pg-test-server prints it; `make check-pg`), PgDatabase makes a fresh
database on that server, which the commands then take with `--database`.
"""

import json
import os
import random
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("SWITCHBOARD_TEST_DATABASE_URL", "")
# How psql shows NULL in PgDatabase.rows, told apart from an empty string.
_PG_NULL = "\x02"


class Checks:
    """Checks that note a failure and go on, so that one run lists every
    failure: expect(cond, what) prints FAIL and keeps WHAT; report(name)
    prints how many failed and returns the exit status."""

    def __init__(self):
        self.failures = []

    def expect(self, cond, what):
        if not cond:
            self.failures.append(what)
            print("FAIL", what)

    def report(self, name):
        print(f"{name}: {len(self.failures)} failed")
        return 1 if self.failures else 0


def psql(url, *args, input=None):
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, *args],
                       capture_output=True, text=True, input=input, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"psql {args}: exit {p.returncode}: {p.stderr}")
    return p.stdout


class SqliteDatabase:
    """The SQLite database of data directory DATA, as the commands make it."""

    name = "sqlite"
    args = ()

    def __init__(self, data):
        self.path = os.path.join(data, "switchboard.db")

    def load(self, sql):
        subprocess.run(["sqlite3", "-bail", self.path], input=sql, text=True, check=True)

    def rows(self, sql):
        import sqlite3
        db = sqlite3.connect(self.path)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def drop(self):
        pass


class PgDatabase:
    """A new empty database on the PostgreSQL server of PG_URL; drop() removes it."""

    name = "postgres"

    def __init__(self):
        self.db = f"sb_{os.getpid()}_{random.getrandbits(48):012x}"
        psql(PG_URL, "-c", f"CREATE DATABASE {self.db}")
        self.url = urllib.parse.urlsplit(PG_URL)._replace(path=f"/{self.db}").geturl()
        self.args = ("--database", self.url)

    def load(self, sql):
        psql(self.url, "-1", "-f", "-", input=sql)

    def rows(self, sql):
        """SQL's rows as tuples; integers as int, NULL as None, as sqlite3 gives them."""
        out = psql(self.url, "-F", "\x1f", "-P", f"null={_PG_NULL}", "-c", sql)
        conv = (lambda v: None if v == _PG_NULL
                else int(v) if re.fullmatch(r"-?[0-9]+", v) else v)
        return [tuple(conv(v) for v in line.split("\x1f")) for line in out.split("\n") if line]

    def drop(self):
        psql(PG_URL, "-c", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")


def cli(binary, *args, check=True, stdin=None):
    p = subprocess.run([binary, *args], capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL if stdin is None else stdin)
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}: {p.stderr.decode()}")
    return p


def token(binary, data, email, db_args=()):
    out = cli(binary, "token", "create", "--email", email, "--data", data, *db_args).stdout.decode()
    return out.strip().split("\n")[-1]


class Server:
    def __init__(self, binary, data, db_args=()):
        self.proc = subprocess.Popen(
            [binary, "serve", "--data", data, *db_args, "--listen", "127.0.0.1:0", "--threads", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        out = b""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("the server exited before listening: "
                                     + self.proc.stderr.read().decode())
            out += line
            m = re.search(rb"\(port (\d+)\)", out)
            if m:
                self.base = f"http://127.0.0.1:{int(m.group(1))}"
                break

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert rc == 0, f"the server stops cleanly on SIGTERM (exit {rc})"

    def request(self, method, path, tok, body=None, files=None):
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        data = None
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for name, content, ctype in files:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{name}"\r\nContent-Type: {ctype}\r\n\r\n'.encode() + content
                    + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read()
            status = e.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw
