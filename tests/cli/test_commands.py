#!/usr/bin/env python3
"""The command surface of `switchboard` beyond `sla due`: help, version,
unknown commands. Usage: python3 tests/cli/test_commands.py BUILD/switchboard

Exit statuses (src/cli/cli.h): 0 success, 2 bad usage with one line on
stderr and nothing on stdout.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sbtest import Checks  # noqa: E402


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def main():
    binary = sys.argv[1]
    checks = Checks()
    expect = checks.expect

    for args in (["--help"], ["-h"], ["help"]):
        rc, out, err = run(binary, *args)
        expect(rc == 0 and "usage: switchboard" in out and "sla due" in out and err == "",
               f"{args}: help on stdout, exit 0 (got {rc}, {out!r}, {err!r})")

    rc, out, err = run(binary, "--version")
    expect(rc == 0 and re.fullmatch(r"switchboard \d+\.\d+\.\d+\n", out) is not None,
           f"--version prints 'switchboard X.Y.Z' (got {rc}, {out!r})")

    rc, out, err = run(binary, "sla", "due", "--help")
    expect(rc == 0 and "--priority" in out and "--holidays" in out,
           f"sla due --help documents the flags (got {rc}, {out!r})")

    for cmd, flag in (("export", "--output"), ("import", "--input")):
        rc, out, err = run(binary, cmd, "--help")
        expect(rc == 0 and flag in out and err == "",
               f"{cmd} --help documents {flag} (got {rc}, {out!r})")
        rc, out, err = run(binary, cmd, "--bogus")
        expect(rc == 2 and out == "" and "--bogus" in err and err.count("\n") == 1,
               f"{cmd} --bogus: exit 2, one line (got {rc}, {out!r}, {err!r})")

    for args, word in ((["frobnicate"], "frobnicate"), (["sla", "undue"], "undue"), ([], "usage"),
                       (["sla"], "usage")):
        rc, out, err = run(binary, *args)
        expect(rc == 2 and out == "" and word in err,
               f"{args}: exit 2, nothing on stdout, stderr names '{word}' (got {rc}, {out!r}, {err!r})")
    rc, out, err = run(binary, "frobnicate")
    expect(err.count("\n") == 1, f"unknown command: one line on stderr (got {err!r})")

    return checks.report("commands")


if __name__ == "__main__":
    sys.exit(main())
