#!/usr/bin/env python3
"""Independent reference implementation of /work/shared/SLA.md (first-response due instant).

Written from the contract only (not from the C sources).  Standard library only;
time zone data comes from the system tzdata through ``zoneinfo``.

Method (deliberately plain):
  * for each local date D (starting a few days before the creation date) that is
    not a holiday, every range of D's weekday becomes the half-open interval
    [D start, D end), each wall-clock end converted to a UTC instant with
    ``zoneinfo`` and fold=0 (offset in force *before* a transition);
    ``24:00`` is the local midnight beginning D+1;
  * empty intervals (possible on DST days) are dropped, the rest are sorted and
    merged (union of working time);
  * the merged list is walked from the creation instant.

All instants are integer seconds since the Unix epoch (UTC).

Usage as a command (mirrors ``switchboard sla due``):
    python3 sla_reference.py --priority standard --created 2026-11-23T15:00:00Z
Self-test:
    python3 sla_reference.py --selftest
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
from zoneinfo import ZoneInfo

UTC = _dt.timezone.utc
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
ONE_DAY = _dt.timedelta(days=1)

STANDARD_SECONDS = 540 * 60      # one business day: 9 h of working time
EMERGENCY_SECONDS = 60 * 60      # one hour, round the clock

DEFAULT_ZONE = "America/New_York"
DEFAULT_HOURS = "mon-fri 09:00-18:00"

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")   # index = date.weekday()
ZONEINFO_DIR = "/usr/share/zoneinfo"

MIN_YEAR, MAX_YEAR = 1900, 9000


class InputError(Exception):
    """Bad input; ``arg`` names the offending command-line argument."""

    def __init__(self, arg: str, message: str):
        super().__init__(f"{arg}: {message}")
        self.arg = arg
        self.message = message


# --------------------------------------------------------------------------
# Weekly hours spec
# --------------------------------------------------------------------------

_TIME_RE = re.compile(r"[0-9]{2}:[0-9]{2}\Z")


def _parse_time(text: str, spec: str) -> int:
    """'HH:MM' -> minutes after local midnight (0..1440)."""
    if not _TIME_RE.match(text):
        raise InputError("--hours", f"time {text!r} is not HH:MM in {spec!r}")
    hh, mm = int(text[0:2]), int(text[3:5])
    if mm > 59:
        raise InputError("--hours", f"minutes out of range in {text!r}")
    if hh > 24:
        raise InputError("--hours", f"hour out of range in {text!r}")
    if hh == 24 and mm != 0:
        raise InputError("--hours", f"only 24:00 is allowed with hour 24, got {text!r}")
    return hh * 60 + mm


def _parse_range(text: str, spec: str) -> tuple[int, int]:
    parts = text.split("-")
    if len(parts) != 2:
        raise InputError("--hours", f"range {text!r} is not HH:MM-HH:MM")
    start = _parse_time(parts[0], spec)
    end = _parse_time(parts[1], spec)
    if not start < end:
        raise InputError("--hours", f"range {text!r} must start before it ends")
    return start, end


def _day_index(name: str) -> int:
    if name not in DAY_NAMES:
        raise InputError("--hours", f"unknown day {name!r} (expected mon..sun)")
    return DAY_NAMES.index(name)


def _parse_days(text: str) -> list[int]:
    """'mon-fri' / 'mon,wed,fri' / 'fri-mon' (wraps) -> list of weekday indexes."""
    days: list[int] = []
    for item in text.split(","):
        if "-" in item:
            ends = item.split("-")
            if len(ends) != 2:
                raise InputError("--hours", f"bad day span {item!r}")
            a, b = _day_index(ends[0]), _day_index(ends[1])
            d = a
            while True:
                days.append(d)
                if d == b:
                    break
                d = (d + 1) % 7
        else:
            days.append(_day_index(item))
    return days


def parse_hours(spec: str) -> dict[int, list[tuple[int, int]]]:
    """Spec string -> {weekday: [(start_min, end_min), ...]} (ranges sorted, disjoint)."""
    body = spec.strip(" ")
    if body == "":
        raise InputError("--hours", "empty hours spec")
    if body == "24x7":
        return {d: [(0, 1440)] for d in range(7)}
    week: dict[int, list[tuple[int, int]]] = {}
    for rule in body.split(";"):
        rule = rule.strip(" ")
        if rule == "":
            raise InputError("--hours", f"empty rule in {spec!r}")
        tokens = [t for t in rule.split(" ") if t != ""]
        if len(tokens) < 2:
            raise InputError("--hours", f"rule {rule!r} has no time range")
        days = _parse_days(tokens[0])
        ranges = [_parse_range(t, spec) for t in tokens[1:]]
        for (s1, e1), (s2, e2) in zip(ranges, ranges[1:]):
            if s2 < e1:
                raise InputError("--hours", f"ranges out of order or overlapping in {rule!r}")
        for d in days:
            if d in week:
                raise InputError("--hours", f"day {DAY_NAMES[d]!r} named twice in {spec!r}")
            week[d] = list(ranges)
    return week


# --------------------------------------------------------------------------
# Holidays
# --------------------------------------------------------------------------

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")


def _parse_date(text: str, arg: str) -> _dt.date:
    m = _DATE_RE.match(text)
    if not m:
        raise InputError(arg, f"{text!r} is not a YYYY-MM-DD date")
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise InputError(arg, f"{text!r} is not a valid date") from None


def parse_holidays(text: str) -> frozenset[_dt.date]:
    if text == "":
        return frozenset()
    return frozenset(_parse_date(item.strip(" "), "--holidays") for item in text.split(","))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> _dt.date:
    d = _dt.date(year, month, 1)
    d += _dt.timedelta(days=(weekday - d.weekday()) % 7)
    return d + _dt.timedelta(days=7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> _dt.date:
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - ONE_DAY
    return d - _dt.timedelta(days=(d.weekday() - weekday) % 7)


def _observed(d: _dt.date) -> _dt.date:
    if d.weekday() == 5:        # Saturday -> Friday before
        return d - ONE_DAY
    if d.weekday() == 6:        # Sunday -> Monday after
        return d + ONE_DAY
    return d


def us_holidays(year: int) -> set[_dt.date]:
    """The six default US holidays *observed* in calendar year `year` (plus neighbours' spill-over)."""
    out: set[_dt.date] = set()
    for y in (year - 1, year, year + 1):
        out.add(_observed(_dt.date(y, 1, 1)))
        out.add(_last_weekday(y, 5, 0))           # Memorial Day
        out.add(_observed(_dt.date(y, 7, 4)))
        out.add(_nth_weekday(y, 9, 0, 1))         # Labor Day
        out.add(_nth_weekday(y, 11, 3, 4))        # Thanksgiving
        out.add(_observed(_dt.date(y, 12, 25)))
    return {d for d in out if d.year == year}


class DefaultHolidays:
    """Lazily computed default (US) holiday set, usable with ``in``."""

    def __init__(self):
        self._years: dict[int, set[_dt.date]] = {}

    def __contains__(self, d: _dt.date) -> bool:
        s = self._years.get(d.year)
        if s is None:
            s = self._years[d.year] = us_holidays(d.year)
        return d in s


# --------------------------------------------------------------------------
# RFC 3339 creation instant
# --------------------------------------------------------------------------

_RFC3339_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.[0-9]+)?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))\Z")


def parse_created(text: str) -> int:
    """RFC 3339 -> epoch seconds (fraction truncated toward the past)."""
    m = _RFC3339_RE.match(text)
    if not m:
        raise InputError("--created", f"{text!r} is not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM))")
    year, month, day, hh, mi, ss = (int(m[i]) for i in range(1, 7))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError("--created", f"year {year} outside {MIN_YEAR}..{MAX_YEAR}")
    if hh > 23 or mi > 59 or ss > 59:
        raise InputError("--created", f"time of day out of range in {text!r}")
    try:
        local = _dt.datetime(year, month, day, hh, mi, ss, tzinfo=UTC)
    except ValueError:
        raise InputError("--created", f"invalid date in {text!r}") from None
    offset = 0
    if m[7] is None:
        oh, om = int(m[9]), int(m[10])
        if oh > 23 or om > 59:
            raise InputError("--created", f"offset out of range in {text!r}")
        offset = (oh * 3600 + om * 60) * (1 if m[8] == "+" else -1)
    # The fraction is dropped: the instant is the whole second at or before it.
    return int((local - EPOCH).total_seconds()) - offset


def format_utc(ts: int) -> str:
    return (EPOCH + _dt.timedelta(seconds=ts)).strftime("%Y-%m-%dT%H:%M:%SZ").rjust(20, "0")


# --------------------------------------------------------------------------
# Time zone
# --------------------------------------------------------------------------

_ZONE_PART_RE = re.compile(r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*\Z")


def load_zone(name: str) -> ZoneInfo:
    parts = name.split("/")
    if name == "" or not all(_ZONE_PART_RE.match(p) for p in parts):
        raise InputError("--timezone", f"{name!r} is not an IANA time zone name")
    path = os.path.join(ZONEINFO_DIR, *parts)
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"TZif":
                raise InputError("--timezone", f"unknown time zone {name!r}")
    except OSError:
        raise InputError("--timezone", f"unknown time zone {name!r}") from None
    try:
        return ZoneInfo(name)
    except Exception:
        raise InputError("--timezone", f"unknown time zone {name!r}") from None


# --------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------

def wall_to_utc(zone: ZoneInfo, day: _dt.date, minutes: int) -> int:
    """Local wall clock `minutes` after the start of `day` -> epoch seconds (fold=0)."""
    if minutes == 1440:
        day, minutes = day + ONE_DAY, 0
    local = _dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                         tzinfo=zone, fold=0)
    return int((local - EPOCH).total_seconds())


def local_date(zone: ZoneInfo, ts: int) -> _dt.date:
    return (EPOCH + _dt.timedelta(seconds=ts)).astimezone(zone).date()


def working_intervals(zone, week, holidays, first: _dt.date, last: _dt.date):
    """Merged UTC working intervals of the local dates first..last (inclusive)."""
    raw = []
    d = first
    while d <= last:
        if d not in holidays:
            for start, end in week.get(d.weekday(), ()):
                s = wall_to_utc(zone, d, start)
                e = wall_to_utc(zone, d, end)
                if e > s:                      # a range can vanish on a DST day
                    raw.append((s, e))
        d += ONE_DAY
    raw.sort()
    merged: list[list[int]] = []
    for s, e in raw:
        if merged and s <= merged[-1][1]:      # overlapping or touching: union
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def _walk(intervals, created: int):
    """Due instant from merged intervals, or None if the intervals run out."""
    for s, e in intervals:
        if e <= created:
            continue
        if s > created:
            return s                            # created outside: next opening
        # created inside [s, e): count working seconds forward
        remaining = STANDARD_SECONDS
        t = created
        for s2, e2 in intervals:
            if e2 <= t:
                continue
            begin = max(s2, t)
            if e2 - begin >= remaining:
                return begin + remaining        # may equal e2: due at the close
            remaining -= e2 - begin
        return None
    return None


def compute_due(priority: str, created: int, zone: ZoneInfo, week, holidays) -> int:
    if priority == "emergency":
        return created + EMERGENCY_SECONDS
    start_date = local_date(zone, created) - _dt.timedelta(days=3)
    span = 16
    while True:
        last = start_date + _dt.timedelta(days=span)
        intervals = working_intervals(zone, week, holidays, start_date, last)
        # Intervals of later dates cannot start before this instant.
        trusted_until = wall_to_utc(zone, last - _dt.timedelta(days=2), 0)
        due = _walk(intervals, created)
        if due is not None and due < trusted_until:
            return due
        if span > 366 * 200:
            raise RuntimeError("no working time found within 200 years")
        span *= 2


# --------------------------------------------------------------------------
# Command-line emulation
# --------------------------------------------------------------------------

FLAGS = ("--priority", "--created", "--timezone", "--hours", "--holidays")


def parse_args(args: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("--"):
            raise InputError(a, "unexpected argument")
        if "=" in a:
            name, value = a.split("=", 1)
            i += 1
        else:
            name = a
            if i + 1 >= len(args):
                if name in FLAGS:
                    raise InputError(name, "missing value")
                raise InputError(name, "unknown flag")
            value = args[i + 1]
            i += 2
        if name not in FLAGS:
            raise InputError(name, "unknown flag")
        if name in values:
            raise InputError(name, "given twice")
        values[name] = value
    for required in ("--priority", "--created"):
        if required not in values:
            raise InputError(required, "is required")
    return values


def sla_due(args: list[str]) -> str:
    """Arguments after `sla due` -> due instant 'YYYY-MM-DDTHH:MM:SSZ'; raises InputError."""
    v = parse_args(args)
    priority = v["--priority"]
    if priority not in ("standard", "emergency"):
        raise InputError("--priority", f"{priority!r} is not standard or emergency")
    created = parse_created(v["--created"])
    zone = load_zone(v.get("--timezone", DEFAULT_ZONE))
    week = parse_hours(v.get("--hours", DEFAULT_HOURS))
    holidays = parse_holidays(v["--holidays"]) if "--holidays" in v else DefaultHolidays()
    return format_utc(compute_due(priority, created, zone, week, holidays))


def run(args: list[str]) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) the command should produce."""
    try:
        return 0, sla_due(args) + "\n", ""
    except InputError as e:
        return 2, "", f"switchboard: sla due: {e}\n"


# --------------------------------------------------------------------------
# Self-test: SLA.md worked examples and hand-computed DST cases
# --------------------------------------------------------------------------

def _selftest() -> int:
    cases = [
        # SLA.md worked examples, default calendar (Thanksgiving 2026-11-26 is a default holiday)
        (["--priority", "standard", "--created", "2026-11-23T10:00:00-05:00"], "2026-11-24T15:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-23T09:00:00-05:00"], "2026-11-23T23:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-25T17:00:00-05:00"], "2026-11-27T22:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-27T18:00:00-05:00"], "2026-11-30T14:00:00Z"),
        (["--priority", "emergency", "--created", "2026-11-28T12:00:00-05:00"], "2026-11-28T18:00:00Z"),
        # same, explicit calendar
        (["--priority", "standard", "--created", "2026-11-25T22:00:00Z", "--timezone", "America/New_York",
          "--hours", "mon-fri 09:00-18:00", "--holidays", "2026-11-26"], "2026-11-27T22:00:00Z"),
        # default holidays: Jul 4 2026 is a Saturday -> observed Fri Jul 3
        (["--priority", "standard", "--created", "2026-07-02T21:00:00Z"], "2026-07-06T21:00:00Z"),
        # Jan 1 2028 is a Saturday -> observed Fri Dec 31 2027
        (["--priority", "standard", "--created", "2027-12-30T22:00:00Z"], "2028-01-03T22:00:00Z"),
        # New York spring forward 2026-03-08 07:00Z (02:00 EST -> 03:00 EDT)
        (["--priority", "standard", "--created", "2026-03-08T06:30:00Z", "--hours", "sun 01:30-02:30",
          "--holidays", ""], "2026-05-03T06:30:00Z"),
        (["--priority", "standard", "--created", "2026-03-08T06:59:59Z", "--hours", "sun 02:00-03:00",
          "--holidays", ""], "2026-03-15T06:00:00Z"),
        (["--priority", "standard", "--created", "2026-03-08T06:30:00Z", "--hours",
          "sun 01:30-02:30 03:00-04:00", "--holidays", ""], "2026-04-05T07:30:00Z"),
        (["--priority", "standard", "--created", "2026-03-08T06:00:00Z", "--hours",
          "mon-sun 00:00-03:00 04:00-24:00", "--holidays", ""], "2026-03-08T16:00:00Z"),
        (["--priority", "standard", "--created", "2026-03-08T04:00:00Z", "--hours", "24x7",
          "--holidays", ""], "2026-03-08T13:00:00Z"),
        # New York fall back 2026-11-01 06:00Z (02:00 EDT -> 01:00 EST)
        (["--priority", "standard", "--created", "2026-11-01T05:30:00Z", "--hours", "sun 01:30-02:30",
          "--holidays", ""], "2026-12-20T07:30:00Z"),
        (["--priority", "standard", "--created", "2026-11-01T04:00:00Z", "--hours",
          "sun 00:00-01:30 01:30-24:00", "--holidays", ""], "2026-11-01T13:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-02T04:00:00Z", "--hours",
          "sun 00:00-01:30 01:30-24:00", "--holidays", ""], "2026-11-08T13:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-01T06:30:00Z", "--hours", "sun 01:00-02:00",
          "--holidays", ""], "2027-01-03T06:30:00Z"),
        # Madrid spring 2026-03-29 01:00Z: sun 02:00-03:00 is empty that day
        (["--priority", "standard", "--created", "2026-03-29T00:30:00Z", "--timezone", "Europe/Madrid",
          "--hours", "sun 02:00-03:00", "--holidays", ""], "2026-04-05T00:00:00Z"),
        # Sydney fall 2026-04-04 16:00Z (03:00 AEDT -> 02:00 AEST): sun 02:00-03:00 lasts 2 h
        (["--priority", "standard", "--created", "2026-04-04T15:00:00Z", "--timezone", "Australia/Sydney",
          "--hours", "sun 02:00-03:00", "--holidays", ""], "2026-05-23T17:00:00Z"),
        # Lord Howe spring 2026-10-03 15:30Z (02:00 +10:30 -> 02:30 +11): sun 02:00-03:00 lasts 30 min
        (["--priority", "standard", "--created", "2026-10-03T15:30:00Z", "--timezone", "Australia/Lord_Howe",
          "--hours", "sun 02:00-03:00", "--holidays", ""], "2026-12-05T15:30:00Z"),
        # fractional seconds truncate; lowercase t/z; numeric offsets
        (["--priority", "emergency", "--created", "2026-01-01t00:00:00.999z"], "2026-01-01T01:00:00Z"),
        (["--priority=emergency", "--created=2026-01-01T05:30:00.5+05:30"], "2026-01-01T01:00:00Z"),
        (["--priority", "standard", "--created", "2026-11-23T14:59:59.999999Z", "--holidays", ""],
         "2026-11-24T14:59:59Z"),
    ]
    bad = [
        ["--priority", "urgent", "--created", "2026-11-23T15:00:00Z"],
        ["--priority", "standard", "--created", "2026-11-23T15:00Z"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:60Z"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--timezone", "../etc/passwd"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours", "mon-fri 09:00-12:00; mon 13:00-14:00"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours", "mon-fri 09:00-18:00;"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours", "mon 10:00-12:00 09:00-10:00"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours", "mon 24:30-24:00"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--holidays", "2026-02-30"],
        ["--priority", "standard"],
        ["--priority", "standard", "--created"],
        ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--frobnicate", "1"],
    ]
    failures = 0
    for args, want in cases:
        rc, out, err = run(args)
        if (rc, out.strip()) != (0, want):
            failures += 1
            print(f"FAIL {args}: expected {want}, got rc={rc} out={out.strip()!r} err={err.strip()!r}")
    for args in bad:
        rc, out, err = run(args)
        if rc != 2 or out:
            failures += 1
            print(f"FAIL {args}: expected exit 2, got rc={rc} out={out.strip()!r}")
    # the default holiday list itself
    want_2026 = {_dt.date(2026, 1, 1), _dt.date(2026, 5, 25), _dt.date(2026, 7, 3),
                 _dt.date(2026, 9, 7), _dt.date(2026, 11, 26), _dt.date(2026, 12, 25)}
    if us_holidays(2026) != want_2026:
        failures += 1
        print(f"FAIL us_holidays(2026) = {sorted(us_holidays(2026))}")
    if _dt.date(2027, 12, 31) not in us_holidays(2027) or _dt.date(2027, 12, 24) not in us_holidays(2027):
        failures += 1
        print(f"FAIL us_holidays(2027) = {sorted(us_holidays(2027))}")
    print(f"selftest: {len(cases) + len(bad) + 2 - failures} passed, {failures} failed")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["--selftest"]:
        return _selftest()
    rc, out, err = run(argv[1:])
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
