#!/usr/bin/env python3
"""Compare `switchboard sla due` with the Python reference (tests/cli/sla_reference.py).

Usage:
    python3 tests/cli/test_sla_due.py BUILD/switchboard [--max-failures N] [--jobs N] [--only CATEGORY] [--quick]

Exit status: 0 when every case agrees, 1 otherwise (failures are listed with the
command line, what the reference expects and what the binary printed).

The cases are generated deterministically (fixed random seed); see the
`gen_*` functions for the categories.  There are no timing assertions.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import functools
import os
import random
import shlex
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

sys.dont_write_bytecode = True          # keep tests/cli free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sla_reference as ref  # noqa: E402

SEED = 20260308
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
DAYS = ref.DAY_NAMES


class Case:
    __slots__ = ("category", "args", "names", "expected")

    def __init__(self, category: str, args: list[str], names: tuple[str, ...] = ()):
        self.category = category
        self.args = args
        self.names = names          # for bad input: words one of which stderr must contain
        self.expected = None        # (rc, stdout, stderr) from the reference


# --------------------------------------------------------------------------
# helpers for building cases
# --------------------------------------------------------------------------

_zones: dict[str, ZoneInfo] = {}


def zone(name: str) -> ZoneInfo:
    z = _zones.get(name)
    if z is None:
        z = _zones[name] = ZoneInfo(name)
    return z


def ts_of(d: dt.datetime) -> int:
    return int((d - EPOCH).total_seconds())


def utc_offset(zname: str, ts: int) -> int:
    return int((EPOCH + dt.timedelta(seconds=ts)).astimezone(zone(zname)).utcoffset().total_seconds())


def rfc3339(ts: int, offset: int | None = 0, t: str = "T", z: str = "Z", frac: str = "") -> str:
    """Render epoch seconds; offset in seconds (None or 0 with z -> 'Z')."""
    if offset is None or (offset == 0 and z):
        local = EPOCH + dt.timedelta(seconds=ts)
        suffix = z or "Z"
    else:
        local = EPOCH + dt.timedelta(seconds=ts + offset)
        sign = "+" if offset >= 0 else "-"
        a = abs(offset)
        suffix = f"{sign}{a // 3600:02d}:{a % 3600 // 60:02d}"
    return local.strftime("%Y-%m-%d") + t + local.strftime("%H:%M:%S") + frac + suffix


def created_local(zname: str, ts: int) -> str:
    """Render with the zone's own offset when it is a whole number of minutes, else Z."""
    off = utc_offset(zname, ts)
    if off % 60:
        return rfc3339(ts)
    return rfc3339(ts, off, z="")


def hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def std(created: str, tz: str | None = None, hours: str | None = None,
        holidays: str | None = None, priority: str = "standard") -> list[str]:
    args = ["--priority", priority, "--created", created]
    if tz is not None:
        args += ["--timezone", tz]
    if hours is not None:
        args += ["--hours", hours]
    if holidays is not None:
        args += ["--holidays", holidays]
    return args


@functools.lru_cache(maxsize=None)
def transitions(zname: str, year: int) -> tuple[int, ...]:
    """UTC instants (epoch s) at which the zone's UTC offset changes during `year`."""
    start = ts_of(dt.datetime(year, 1, 1, tzinfo=UTC)) - 86400
    end = ts_of(dt.datetime(year + 1, 1, 1, tzinfo=UTC)) + 86400
    out = []
    step = 6 * 3600
    prev = utc_offset(zname, start)
    t = start
    while t < end:
        nxt = utc_offset(zname, t + step)
        if nxt != prev:
            lo, hi = t, t + step           # offset(lo) == prev, offset(hi) != prev
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if utc_offset(zname, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            loc = (EPOCH + dt.timedelta(seconds=hi)).astimezone(zone(zname))
            if loc.year == year or (EPOCH + dt.timedelta(seconds=hi)).year == year:
                out.append(hi)
            prev = nxt
        t += step
    return tuple(out)


def local_wall(zname: str, ts: int, offset: int) -> tuple[dt.date, int]:
    """(date, minute of day) of instant ts read with the given offset."""
    d = EPOCH + dt.timedelta(seconds=ts + offset)
    return d.date(), d.hour * 60 + d.minute


# --------------------------------------------------------------------------
# random specs
# --------------------------------------------------------------------------

def render_days(rng: random.Random, days: list[int]) -> str:
    """Render a set of weekday indexes as a DAYS item list (spans may wrap)."""
    days = sorted(set(days))
    if len(days) == 7 and rng.random() < 0.5:
        start = rng.randrange(7)
        return f"{DAYS[start]}-{DAYS[(start + 6) % 7]}"
    # split into circular runs
    s = set(days)
    runs = []
    seen = set()
    for d in days:
        if d in seen:
            continue
        a = d
        while (a - 1) % 7 in s and (a - 1) % 7 != d and len(s) < 7:
            a = (a - 1) % 7
        run = [a]
        b = a
        while (b + 1) % 7 in s and (b + 1) % 7 != a:
            b = (b + 1) % 7
            run.append(b)
        for x in run:
            seen.add(x)
        runs.append(run)
    items = []
    for run in runs:
        if len(run) >= 2 and rng.random() < 0.7:
            items.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            items.extend(DAYS[x] for x in run)
    rng.shuffle(items)
    return ",".join(items)


def random_ranges(rng: random.Random) -> list[tuple[int, int]]:
    gran = rng.choice([60, 60, 30, 15, 5, 1])
    k = rng.choice([1, 1, 1, 2, 2, 3])
    while True:
        pts = sorted(rng.randrange(0, 1440 // gran + 1) * gran for _ in range(2 * k))
        if rng.random() < 0.15:
            pts[-1] = 1440
        if rng.random() < 0.1:
            pts[0] = 0
        ranges = [(pts[2 * i], pts[2 * i + 1]) for i in range(k) if pts[2 * i] < pts[2 * i + 1]]
        if ranges and sum(e - s for s, e in ranges) >= 20:
            return ranges


def sp(rng: random.Random) -> str:
    return " " * rng.choice([1, 1, 1, 1, 2, 3])


def random_spec(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(["24x7", " 24x7", "24x7  "])
    days = list(range(7))
    rng.shuffle(days)
    nrules = rng.choice([1, 1, 2, 2, 3])
    used = days[: rng.randint(nrules, 7)]
    cuts = sorted(rng.sample(range(1, len(used)), nrules - 1)) if nrules > 1 else []
    groups = [used[a:b] for a, b in zip([0] + cuts, cuts + [len(used)])]
    rules = []
    for g in groups:
        ranges = random_ranges(rng)
        rules.append(render_days(rng, g) + sp(rng) + sp(rng).join(f"{hm(s)}-{hm(e)}" for s, e in ranges))
    seps = [rng.choice([";", "; ", " ;", " ; ", ";  "]) for _ in rules[1:]]
    spec = rules[0] + "".join(s + r for s, r in zip(seps, rules[1:]))
    if rng.random() < 0.1:
        spec = " " * rng.randint(1, 2) + spec
    if rng.random() < 0.1:
        spec = spec + " " * rng.randint(1, 2)
    return spec


def random_holidays(rng: random.Random, year: int) -> str:
    if rng.random() < 0.4:
        return ""
    out = set()
    for _ in range(rng.randint(1, 8)):
        d = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366))
        for i in range(rng.choice([1, 1, 1, 2, 3, 5])):
            out.add(d + dt.timedelta(days=i))
    items = [x.isoformat() for x in sorted(out)]
    rng.shuffle(items)
    return rng.choice([",", ", ", " ,", ","]).join(items)


# --------------------------------------------------------------------------
# categories
# --------------------------------------------------------------------------

def gen_worked_examples(rng):
    cat = "1-worked-examples"
    c = []
    # exactly as in SLA.md: default calendar (its default holidays include 2026-11-26)
    table = [
        ("standard", "2026-11-23T10:00:00-05:00"),
        ("standard", "2026-11-23T09:00:00-05:00"),
        ("standard", "2026-11-25T17:00:00-05:00"),
        ("standard", "2026-11-27T18:00:00-05:00"),
        ("emergency", "2026-11-28T12:00:00-05:00"),
    ]
    for prio, created in table:
        c.append(Case(cat, ["--priority", prio, "--created", created]))
        # explicit calendar of the examples
        c.append(Case(cat, std(created, "America/New_York", "mon-fri 09:00-18:00", "2026-11-26", prio)))
        # same instant written in UTC
        ts = ref.parse_created(created)
        c.append(Case(cat, std(rfc3339(ts), "America/New_York", "mon-fri 09:00-18:00", "2026-11-26", prio)))
    return c


DST_2026_ZONES = ["America/New_York", "Europe/Madrid", "Australia/Sydney"]


def gen_dst_2026(rng):
    cat = "2-dst-2026"
    c = []
    for zname in DST_2026_ZONES:
        for T in transitions(zname, 2026):
            before = utc_offset(zname, T - 1)
            after = utc_offset(zname, T)
            tday, tmin = local_wall(zname, T, before)   # wall clock just before the change
            dn = DAYS[tday.weekday()]
            prev_dn = DAYS[(tday.weekday() - 1) % 7]
            nxt_dn = DAYS[(tday.weekday() + 1) % 7]
            w = tmin                                    # e.g. 02:00 (NY spring), 03:00 (Sydney fall)
            w2 = local_wall(zname, T, after)[1]         # wall clock just after
            lo, hi = min(w, w2), max(w, w2)             # the gap / repeated wall-clock span
            calendars = [
                "mon-sun 00:00-24:00",
                "24x7",
                "mon-sun 00:00-03:00 04:00-24:00",
                f"{dn} 01:30-02:30",
                f"{dn} 02:00-03:00",
                f"{dn} 02:30-03:30",
                f"{dn} 01:00-02:00 02:00-03:00 03:00-04:00",
                f"{dn} 00:00-02:30 02:30-24:00",
                f"{dn} 01:30-02:30 03:00-04:00",
                f"{dn} {hm(lo)}-{hm(hi)}",
                f"{dn} {hm(lo - 30)}-{hm(lo + 15)} {hm(hi - 15)}-{hm(hi + 30)}",
                f"mon-sun {hm(lo)}-{hm(lo + 1)}",
                f"{prev_dn} 22:00-24:00; {dn} 00:00-04:00",
                f"{dn},{nxt_dn} 00:00-02:00 03:00-24:00",
                "mon-fri 09:00-18:00",
                None,                                   # default hours
            ]
            # created instants around the transition
            deltas = [-86400, -3600, -1800, -1, 0, 1, 1800, 3599, 5400, 86400]
            for cal in calendars:
                instants = [T + d for d in deltas]
                # boundaries of the transition day's ranges, as the contract converts them
                if cal is not None:
                    week = ref.parse_hours(cal)
                    for s, e in week.get(tday.weekday(), ()):
                        for m in (s, e):
                            b = ref.wall_to_utc(zone(zname), tday, m)
                            instants += [b - 1, b]
                    instants += [T + rng.randrange(-3 * 86400, 3 * 86400) for _ in range(2)]
                for i, t in enumerate(sorted(set(instants))):
                    created = created_local(zname, t) if i % 2 else rfc3339(t)
                    prio = "emergency" if i % 11 == 5 else "standard"
                    if cal is None:
                        holidays = None if (zname == "America/New_York" and i % 3 == 0) else ""
                        c.append(Case(cat, std(created, zname if (zname != "America/New_York" or i % 4)
                                               else None, None, holidays, prio)))
                    else:
                        c.append(Case(cat, std(created, zname, cal, "", prio)))
    return c


OTHER_ZONES = ["America/Santiago", "America/Sao_Paulo", "Pacific/Auckland", "Australia/Lord_Howe",
               "Pacific/Chatham", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Dublin",
               "America/Mexico_City", "Africa/Cairo", "Asia/Tehran", "Pacific/Apia", "UTC"]
OTHER_YEARS = [2024, 2025, 2026, 2027, 2028, 2029, 2030, 2045, 2100]
POOL_SPECS = ["mon-fri 09:00-18:00", "mon-sun 00:00-24:00", "24x7", "sun-thu 08:00-17:00",
              "mon-sat 06:00-23:00", "mon-sun 00:00-01:00 02:00-24:00", "sat,sun 00:00-12:00 12:00-24:00",
              "mon-fri 08:00-12:00 13:00-17:00; sat 10:00-14:00"]


def gen_other_zones(rng):
    cat = "3-other-zones"
    c = []
    for zname in OTHER_ZONES:
        for year in OTHER_YEARS:
            trans = transitions(zname, year)
            for T in trans:
                before = utc_offset(zname, T - 1)
                after = utc_offset(zname, T)
                tday, w = local_wall(zname, T, before)
                w2 = local_wall(zname, T, after)[1]
                dn = DAYS[tday.weekday()]
                cals = [rng.choice(POOL_SPECS)]
                if w == 0 or w2 == 0:
                    # change at local midnight (e.g. Santiago, Cairo): 24:00 of the previous day
                    pd = DAYS[(tday.weekday() - 1) % 7]
                    cals += [f"{pd} 23:00-24:00; {dn} 00:00-02:00", f"{dn} 00:00-00:30 00:30-01:30",
                             f"{pd} 12:00-24:00", f"{pd},{dn} 22:30-24:00"]
                else:
                    lo, hi = sorted((w, w2))
                    cals += [f"{dn} {hm(max(lo - 60, 0))}-{hm(min(hi + 60, 1440))}",
                             f"{dn} {hm(max(lo - 30, 0))}-{hm(lo)} {hm(lo)}-{hm(min(hi + 30, 1440))}",
                             f"{dn} {hm(lo)}-{hm(hi)}",
                             f"mon-sun 00:00-{hm(lo)} {hm(hi)}-24:00",
                             f"{dn} {hm(lo)}-{hm(lo + 15)} {hm(hi - 15)}-{hm(hi)}"]
                for cal in [cals[0]] + rng.sample(cals[1:], 2):
                    for d in rng.sample([-86400, -3600, -1800, -1, 0, 1, 1800, 3600, 7200, 86400], 4):
                        t = T + d
                        created = created_local(zname, t) if rng.random() < 0.5 else rfc3339(t)
                        c.append(Case(cat, std(created, zname, cal, random_holidays(rng, year))))
            # plain random instants in the year (covers zones without DST)
            for _ in range(5 if trans else 9):
                t = ts_of(dt.datetime(year, 1, 1, tzinfo=UTC)) + rng.randrange(365 * 86400)
                if rng.random() < 0.5:
                    t -= t % 1800
                created = created_local(zname, t) if rng.random() < 0.5 else rfc3339(t)
                cal = rng.choice(POOL_SPECS + [random_spec(rng)])
                prio = "emergency" if rng.random() < 0.1 else "standard"
                c.append(Case(cat, std(created, zname, cal, random_holidays(rng, year), prio)))
    # Apia skipped 2011-12-30 entirely (UTC-10 -> UTC+14); far past with sub-minute LMT-era offsets
    for cal in ["mon-sun 09:00-18:00", "24x7", "fri 09:00-17:00", "thu-sat 08:00-12:00 13:00-17:00"]:
        for t in ["2011-12-29T18:00:00Z", "2011-12-30T02:00:00Z", "2011-12-30T09:59:59Z",
                  "2011-12-30T10:00:00Z", "2011-12-30T12:00:00Z", "2011-12-30T20:30:00Z"]:
            c.append(Case(cat, std(t, "Pacific/Apia", cal, "")))
    # other skipped / doubled local days and the 2037/2038 edge of the 32-bit TZif data
    for zname, cal, created in [
            ("Pacific/Kiritimati", "sat 10:00-11:00", "1994-12-30T09:00:00Z"),
            ("Pacific/Kiritimati", "fri-sun 09:00-17:00", "1994-12-31T09:00:00Z"),
            ("Pacific/Kiritimati", "24x7", "1994-12-31T09:59:59Z"),
            ("Pacific/Kwajalein", "mon-sun 08:00-16:00", "1993-08-20T00:00:00Z"),
            ("Pacific/Kwajalein", "fri,sat 00:00-24:00", "1993-08-20T11:59:59Z"),
            ("Pacific/Kwajalein", "sat 10:00-12:00", "1993-08-20T23:00:00Z"),
            ("America/Sitka", "24x7", "1900-01-01T00:00:00Z"),
            ("America/New_York", "sun 01:30-02:30", "2037-11-01T05:30:00Z"),
            ("America/New_York", "sun 01:30-02:30", "2038-03-14T06:30:00Z"),
            ("America/New_York", "mon-sun 00:00-03:00 04:00-24:00", "2038-01-19T03:14:07Z"),
            ("Europe/Madrid", "sun 02:00-03:00", "2038-03-28T00:59:59Z"),
            ("Australia/Sydney", "sun 02:00-03:00", "2038-04-03T15:00:00Z")]:
        c.append(Case(cat, std(created, zname, cal, "")))
    for zname, year in [("Europe/Dublin", 1900), ("Asia/Kolkata", 1900), ("America/New_York", 1900),
                        ("Asia/Kathmandu", 1950), ("Europe/Madrid", 1901), ("America/Santiago", 1910),
                        ("Pacific/Chatham", 1950), ("UTC", 9000), ("America/New_York", 8999),
                        ("Australia/Lord_Howe", 2999)]:
        for _ in range(6):
            t = ts_of(dt.datetime(year, 1, 1, tzinfo=UTC)) + rng.randrange(350 * 86400)
            t -= t % 900
            c.append(Case(cat, std(rfc3339(t), zname, rng.choice(POOL_SPECS), "")))
    return c


def gen_holidays_and_spans(rng):
    cat = "4-holidays-spans"
    c = []
    specs = ["sun-thu 08:00-17:00", "fri-mon 10:00-14:00", "sat-tue 09:00-17:00",
             "mon-fri 09:00-12:00 13:00-18:00", "mon-thu 08:30-17:30; fri 08:30-13:00",
             "mon,wed,fri 10:00-16:00", "mon-mon 09:00-18:00", "sun-sat 09:00-18:00",
             "tue,thu-sat 07:00-11:00 12:00-15:30", "thu-tue 22:00-24:00; wed 00:00-06:00",
             "fri-sun 00:00-24:00", "mon-fri 09:00-18:00", " mon-thu 08:30-17:30 ;fri 08:30-13:00 "]
    zones = ["America/New_York", "Europe/Madrid", "Asia/Kolkata", "UTC", "Australia/Sydney",
             "America/Sao_Paulo"]
    for spec in specs:
        for zname in zones:
            for _ in range(6):
                year = rng.choice([2024, 2025, 2026, 2027, 2028])
                day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
                kind = rng.randrange(5)
                hol = []
                if kind == 0:     # a run of consecutive holidays starting the day after creation
                    hol = [day + dt.timedelta(days=i) for i in range(1, rng.randint(2, 12))]
                elif kind == 1:   # holiday on the day after creation only
                    hol = [day + dt.timedelta(days=1)]
                elif kind == 2:   # holiday on the creation day itself plus a later one
                    hol = [day, day + dt.timedelta(days=rng.randint(1, 4))]
                elif kind == 3:   # scattered
                    hol = [day + dt.timedelta(days=rng.randint(-3, 20)) for _ in range(5)]
                else:             # a long run (two weeks) around creation
                    start = rng.randint(-7, 2)
                    hol = [day + dt.timedelta(days=start + i) for i in range(14)]
                items = sorted({h.isoformat() for h in hol})
                rng.shuffle(items)
                hs = rng.choice([",", ", ", " , "]).join(items)
                minute = rng.choice([0, 8 * 60, 8 * 60 + 30, 9 * 60, 12 * 60, 17 * 60, 18 * 60,
                                     rng.randrange(1440)])
                local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                                    tzinfo=zone(zname))
                t = ts_of(local)
                created = created_local(zname, t) if rng.random() < 0.5 else rfc3339(t)
                c.append(Case(cat, std(created, zname, spec, hs)))
    # very long holiday runs and a very sparse calendar (due years later)
    for n in (40, 400, 3000):
        first = dt.date(2026, 1, 6)
        hs = ",".join((first + dt.timedelta(days=i)).isoformat() for i in range(n))
        c.append(Case(cat, std("2026-01-05T15:00:00Z", "America/New_York", "mon-fri 09:00-18:00", hs)))
        c.append(Case(cat, std("2026-01-06T15:00:00Z", "Europe/Madrid", "24x7", hs)))
    for zname in ("America/New_York", "Australia/Lord_Howe", "UTC"):
        c.append(Case(cat, std("2026-01-01T00:00:00Z", zname, "sun 02:00-02:01", "")))
        c.append(Case(cat, std("2026-01-01T00:00:00Z", zname, "sun 02:00-02:01", "2026-03-08,2026-04-05")))
    # default holidays (default zone and hours) at a handful of observed dates
    for created in ["2026-07-02T21:00:00Z", "2026-07-03T15:00:00Z", "2027-12-23T20:00:00Z",
                    "2027-12-30T22:00:00Z", "2028-01-01T12:00:00Z", "2026-05-22T21:30:00Z",
                    "2026-09-04T20:00:00Z", "2026-12-24T22:59:59Z", "2032-12-31T15:00:00Z",
                    "2033-12-30T16:00:00Z", "2022-01-03T13:59:59Z", "2021-12-30T21:00:00Z"]:
        c.append(Case(cat, ["--priority", "standard", "--created", created]))
    return c


def gen_boundaries(rng):
    cat = "5-boundaries"
    c = []
    specs = ["mon-fri 09:00-18:00", "mon-fri 09:00-12:00 13:00-18:00", "mon-fri 09:00-12:00 12:00-18:00",
             "mon-sun 18:00-24:00", "mon-sun 00:00-06:00", "mon 00:00-24:00; tue 00:00-24:00",
             "sat 15:00-24:00; sun 00:00-24:00", "mon-fri 00:00-09:00", "mon-fri 23:59-24:00",
             "mon-sun 00:00-00:01", "mon-fri 08:00-17:00", "tue 09:00-18:00", "24x7",
             "mon-fri 00:00-24:00"]
    zones = ["America/New_York", "Europe/Madrid", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC",
             "Pacific/Chatham", "America/Santiago"]
    for spec in specs:
        week = ref.parse_hours(spec)
        for zname in rng.sample(zones, 4):
            year = rng.choice([2024, 2026, 2027, 2029])
            for _ in range(2):
                day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
                while day.weekday() not in week:
                    day += dt.timedelta(days=1)
                for s, e in week[day.weekday()]:
                    for m, deltas in ((s, (-1, 0, 1)), (e, (-1, 0))):
                        b = ref.wall_to_utc(zone(zname), day, m)
                        for d in deltas:
                            t = b + d
                            created = created_local(zname, t) if (t % 2) else rfc3339(t)
                            c.append(Case(cat, std(created, zname, spec, "")))
    return c


def gen_created_formats(rng):
    cat = "6-created-formats"
    c = []
    offsets = [0, 19800, -10800, 20700, 50400, -43200, 3600, -34200, 45900, -60]
    specs = ["mon-fri 09:00-18:00", "mon-sun 10:00-16:00", "24x7"]
    for i in range(120):
        t = ts_of(dt.datetime(2026, 1, 1, tzinfo=UTC)) + rng.randrange(2 * 365 * 86400)
        if i % 3 == 0:
            t -= t % 3600
        off = offsets[i % len(offsets)]
        tsep = "t" if i % 4 == 1 else "T"
        zsep = "z" if i % 5 == 2 else "Z"
        frac = ["", "", ".0", ".5", ".999999999", ".000001", ".123456789012345", ".9"][i % 8]
        if off == 0 and i % 2:
            created = rfc3339(t, 0, tsep, "", frac)          # +00:00
        else:
            created = rfc3339(t, off, tsep, zsep if off == 0 else "", frac)
        zname = rng.choice(["America/New_York", "Asia/Kolkata", "America/Sao_Paulo", "UTC"])
        prio = "emergency" if i % 7 == 0 else "standard"
        c.append(Case(cat, std(created, zname, specs[i % 3], "", prio)))
    # fractional seconds just before an opening / closing: truncated to the second before
    for created in ["2026-11-23T13:59:59.999Z", "2026-11-23T22:59:59.9999999Z",
                    "2026-11-23T08:59:59.5-05:00", "2026-11-23T09:00:00.000-05:00",
                    "2026-11-23t17:59:59.999999-05:00", "2026-11-23T19:29:59.9+05:30",
                    "2026-11-23T14:00:00,5Z".replace(",", "."), "2026-11-23T14:00:00.1-00:00"]:
        c.append(Case(cat, std(created, "America/New_York", "mon-fri 09:00-18:00", "")))
    # command-line forms: --flag=value, any order, empty values via '='
    c += [
        Case(cat, ["--priority=standard", "--created=2026-11-23T15:00:00Z", "--holidays="]),
        Case(cat, ["--created", "2026-11-23T15:00:00Z", "--holidays", "", "--priority", "standard"]),
        Case(cat, ["--hours=mon-fri 09:00-12:00 13:00-18:00", "--timezone=Europe/Madrid",
                   "--priority=standard", "--created=2026-11-23T11:00:00+01:00", "--holidays=2026-11-24"]),
        Case(cat, ["--timezone", "UTC", "--hours", " 24x7 ", "--priority", "standard",
                   "--created", "2026-11-23T15:00:00Z", "--holidays", ""]),
        Case(cat, ["--priority", "emergency", "--created=2026-12-31T23:30:00Z"]),
        Case(cat, ["--priority=emergency", "--created", "2026-12-31T23:30:00.75+14:00",
                   "--timezone=Pacific/Kiritimati"]),
        Case(cat, ["--holidays=2026-11-23 , 2026-11-24", "--priority=standard",
                   "--created=2026-11-23T15:00:00Z"]),
        Case(cat, ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours",
                   "mon-fri   09:00-12:00   13:00-18:00", "--holidays", ""]),
        Case(cat, ["--priority", "standard", "--created", "2026-11-23T15:00:00Z", "--hours",
                   "mon 09:00-10:00;tue 09:00-10:00 ;  wed 09:00-10:00", "--holidays", ""]),
    ]
    return c


RANDOM_ZONES = OTHER_ZONES + DST_2026_ZONES + [
    "Europe/London", "America/Los_Angeles", "Asia/Tokyo", "Africa/Casablanca", "America/St_Johns",
    "Antarctica/Troll", "Europe/Moscow", "Asia/Gaza", "America/Havana", "Pacific/Kiritimati",
    "Pacific/Pago_Pago", "Atlantic/Azores", "America/Godthab", "Europe/Chisinau", "Etc/GMT+5",
    "Asia/Jerusalem", "America/Asuncion", "Pacific/Norfolk"]


def gen_random(rng, n=3500):
    cat = "7-random"
    c = []
    for i in range(n):
        zname = rng.choice(RANDOM_ZONES)
        r = rng.random()
        if r < 0.85:
            year = rng.randint(2024, 2030)
        elif r < 0.95:
            year = rng.choice([2031, 2037, 2038, 2040, 2045, 2060, 2100])
        else:
            year = rng.choice([1900, 1920, 1950, 1975, 1999, 2500, 8999])
        t = ts_of(dt.datetime(year, 1, 1, tzinfo=UTC)) + rng.randrange(360 * 86400)
        g = rng.random()
        if g < 0.3:
            t -= t % 3600
        elif g < 0.5:
            t -= t % 60
        # sometimes put the creation right next to a zone transition
        if rng.random() < 0.15:
            trans = transitions(zname, year) if year < 2200 else []
            if trans:
                t = rng.choice(trans) + rng.choice([-3600, -1, 0, 1, 1800, 3600])
        created = created_local(zname, t) if rng.random() < 0.4 else rfc3339(t)
        prio = "emergency" if rng.random() < 0.08 else "standard"
        spec = random_spec(rng)
        hol = random_holidays(rng, (EPOCH + dt.timedelta(seconds=t)).year)
        c.append(Case(cat, std(created, zname, spec, hol, prio)))
    return c


def gen_bad(rng):
    cat = "8-bad-input"
    c = []
    ok = "2026-11-23T15:00:00Z"

    def bad(args, *names):
        c.append(Case(cat, args, names))

    for p in ["urgent", "Standard", "EMERGENCY", "", "standard ", "normal"]:
        bad(["--priority", p, "--created", ok], "priority", p)
    for z in ["Mars/Olympus", "../etc/passwd", "/etc/passwd", "America/../../../../etc/passwd", "",
              "zone.tab", "America", "America/New York", "Nowhere", "America/New_York/", "./UTC"]:
        bad(std(ok, z, None, ""), "timezone", "zone", z)
    specs = [
        "", "   ", "mon-fri", "mon-fri ", "09:00-18:00", "mon-fri 09:00-18:00;", ";mon-fri 09:00-18:00",
        "mon 09:00-18:00;;tue 10:00-11:00", "mon 09:00-18:00; ;tue 10:00-11:00",
        "mon-fri 9:00-18:00", "mon-fri 09:0-18:00", "mon-fri 009:00-18:00",
        "mon-fri 09:00-18:60", "mon-fri 09:75-18:00", "mon-fri 25:00-26:00", "mon-fri 09:00-25:00",
        "mon-fri 09:00-24:30", "mon-fri 09:00-24:01", "mon-fri 24:00-24:00", "mon-fri 18:00-09:00",
        "mon-fri 09:00-09:00", "mon-fri 00:00-00:00",
        "mon-fri 09:00-12:00 11:00-13:00", "mon-fri 13:00-18:00 09:00-12:00",
        "mon-fri 09:00-12:00 09:00-12:00", "mon 09:00-18:00 10:00-11:00",
        "mon-fri 09:00-12:00; mon 13:00-14:00", "mon,mon 09:00-10:00", "mon-wed,tue 09:00-10:00",
        "fri-mon 09:00-10:00; sun 10:00-11:00", "mon-sun 09:00-10:00; sat 11:00-12:00",
        "sun-thu 08:00-17:00; thu-fri 09:00-10:00",
        "Mon-Fri 09:00-18:00", "MON 09:00-10:00", "monday 09:00-10:00", "xyz 09:00-10:00",
        "mon-xyz 09:00-10:00", "mo 09:00-10:00",
        "mon-fri 09:00-18:00 x", "mon-fri 09:00 -18:00", "mon-fri 09:00- 18:00",
        "mon-fri 09:00-18:00-19:00", "mon- 09:00-10:00", "-mon 09:00-10:00", "mon-tue-wed 09:00-10:00",
        "mon,,tue 09:00-10:00", "mon, tue 09:00-10:00", ",mon 09:00-10:00", "mon, 09:00-10:00",
        "24x7; mon 09:00-10:00", "24X7", "24x7x", "24x7 mon 09:00-10:00", "24x8",
        "mon-fri 0900-1800", "mon-fri 09.00-18.00", "mon-fri 09:00-1a:00", "mon-fri 09:00–18:00",
        "mon-fri 09:00-18:00,10:00-11:00", "mon-fri -09:00-18:00", "mon ; tue 09:00-10:00",
        "mon-fri 09:00-18:00; ", "mon-fri 9-18", "mon-fri 09:00-", "mon-fri -18:00",
        "mon-fri 09:00-18:00 ; tue", "mon-fri+09:00-18:00",
    ]
    for s in specs:
        bad(std(ok, "America/New_York", s, ""), "hours", s.strip() if len(s.strip()) > 2 else "hours")
    # an emergency still validates its calendar arguments
    bad(std(ok, "America/New_York", "mon-fri 18:00-09:00", "", "emergency"), "hours")
    bad(std(ok, "Mars/Olympus", None, "", "emergency"), "timezone", "zone")
    bad(std(ok, None, None, "2026-02-30", "emergency"), "holidays", "2026-02-30")
    for h in ["2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "2026-1-1",
              "26-01-01", "2026/01/01", "2026-01-01;2026-01-02", "2025-02-29", "20260101", "tomorrow",
              "2026-01-01,2026-02-30", "2026-01-01 2026-01-02", "2026-01-01T00:00", "x"]:
        bad(std(ok, "America/New_York", "mon-fri 09:00-18:00", h), "holidays", h)
    for cr in ["2026-11-23T15:00:00", "2026-11-23T15:00Z", "2026-11-23T15:00+01:00", "2026-13-23T15:00:00Z",
               "2026-00-23T15:00:00Z", "2026-11-31T15:00:00Z", "2026-02-29T10:00:00Z", "2026-11-00T10:00:00Z",
               "2026-11-23T24:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T15:60:00Z", "2026-11-23T15:00:60Z",
               "2026-11-23T15:00:61Z", "", "garbage", "2026-11-23 15:00:00Z", "2026-11-23X15:00:00Z",
               "2026-11-23T15:00:00+0500", "2026-11-23T15:00:00+05", "2026-11-23T15:00:00.Z",
               "2026-11-23T15:00:00,5Z", "2026-11-23T15:00:00ZZ", "2026-11-23", "2026-11-23T1:00:00Z",
               "2026-11-23T15:00:00 Z", "26-11-23T15:00:00Z", "2026-11-23T15:00:00+05:60",
               "2026-11-23T15:00:00+5:00", "1763910000", "2026-11-23T15:00:00.5", "2026-11-23T15:00:00z+01:00"]:
        bad(["--priority", "standard", "--created", cr], "created", cr)
    bad([], "priority", "created")
    bad(["--priority", "standard"], "created")
    bad(["--created", ok], "priority")
    bad(["--priority", "standard", "--created"], "created")
    bad(["--created", ok, "--priority"], "priority")
    bad(["--priority", "standard", "--created", ok, "--timezone"], "timezone")
    bad(["--priority", "standard", "--created", ok, "--hours"], "hours")
    bad(["--priority", "standard", "--created", ok, "--holidays"], "holidays")
    bad(["--priority=standard"], "created")
    bad(["--priority", "standard", "--created", ok, "--zone", "America/New_York"], "zone")
    bad(["--priority", "standard", "--created", ok, "--frobnicate=1"], "frobnicate")
    bad(["--priority", "standard", "--created", ok, "--frobnicate", "1"], "frobnicate")
    bad(["--priority", "standard", "--created", ok, "--verbose"], "verbose")
    bad(["--priority", "standard", "--created", ok, "--Hours", "24x7"], "hours")
    return c


GENERATORS = [gen_worked_examples, gen_dst_2026, gen_other_zones, gen_holidays_and_spans,
              gen_boundaries, gen_created_formats, gen_random, gen_bad]


def all_cases() -> list[Case]:
    rng = random.Random(SEED)
    cases: list[Case] = []
    for g in GENERATORS:
        cases += g(rng)
    return cases


# --------------------------------------------------------------------------
# running and comparing
# --------------------------------------------------------------------------

def run_binary(binary: str, case: Case):
    try:
        p = subprocess.run([binary, "sla", "due", *case.args], capture_output=True, timeout=20)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "(timed out after 20 s)"


def check(case: Case, got) -> str | None:
    """None when the binary's result agrees with the contract, else a description."""
    erc, eout, _ = case.expected
    rc, out, err = got
    if erc == 0:
        if rc == 0 and out == eout and err == "":
            return None
        return f"expected: exit 0, stdout {eout.strip()}"
    # bad input: exit 2, exactly one line on stderr, nothing on stdout
    problems = []
    if rc != 2:
        problems.append(f"exit {rc} (want 2)")
    if out != "":
        problems.append("stdout not empty")
    if not (err.endswith("\n") and err.count("\n") == 1 and err.strip()):
        problems.append("stderr is not exactly one line")
    elif case.names and not any(n and n.lower() in err.lower() for n in case.names):
        problems.append(f"stderr does not name the argument (looked for {' / '.join(map(repr, case.names))})")
    if not problems:
        return None
    return "expected: exit 2, one line on stderr, empty stdout -- " + "; ".join(problems)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("binary")
    ap.add_argument("--max-failures", type=int, default=200, help="failures to list in full (default 200)")
    ap.add_argument("--jobs", type=int, default=max(4, 2 * (os.cpu_count() or 2)))
    ap.add_argument("--only", help="run only categories whose name contains this text")
    ap.add_argument("--quick", action="store_true",
                    help="every bad-input case and one in eight of the others (for slow, "
                         "sanitized builds)")
    opts = ap.parse_args()

    binary = opts.binary
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"test_sla_due: {binary} is not an executable file", file=sys.stderr)
        return 1
    if os.sep not in binary:
        binary = os.path.join(".", binary)

    t0 = time.monotonic()
    cases = all_cases()
    if opts.only:
        cases = [c for c in cases if opts.only in c.category]
    if opts.quick:
        cases = [c for i, c in enumerate(cases) if i % 8 == 0 or "bad-input" in c.category]
    for c in cases:
        c.expected = ref.run(c.args)
    t1 = time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        results = list(pool.map(lambda c: run_binary(binary, c), cases))
    t2 = time.monotonic()

    per_cat: dict[str, list[int]] = {}
    failures = []
    for c, got in zip(cases, results):
        stats = per_cat.setdefault(c.category, [0, 0])
        stats[0] += 1
        why = check(c, got)
        if why:
            stats[1] += 1
            failures.append((c, got, why))

    for c, got, why in failures[: opts.max_failures]:
        rc, out, err = got
        print("FAIL [%s] %s" % (c.category, shlex.join([binary, "sla", "due", *c.args])))
        print("  " + why)
        print(f"  got:      exit {rc}, stdout {out.strip()!r}, stderr {err.strip()!r}")
    if len(failures) > opts.max_failures:
        print(f"... and {len(failures) - opts.max_failures} more failures (use --max-failures)")

    print()
    for cat in sorted(per_cat):
        n, f = per_cat[cat]
        print(f"  {cat:22s} {n:5d} cases  {f:5d} failed")
    print(f"sla due: {len(cases)} cases, {len(failures)} failed "
          f"(reference {t1 - t0:.1f} s, binary runs {t2 - t1:.1f} s, {opts.jobs} jobs)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
