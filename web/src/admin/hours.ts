// The weekly-hours spec of docs/sla.md ("mon-fri 09:00-18:00; sat
// 10:00-14:00", "24x7") read into one list of ranges per weekday and written
// back, so the calendar screen can offer a per-day editor over the raw spec.
// The server stays the judge: a spec this reader cannot follow is simply not
// shown in the editor, and the server's message says what is wrong with it.

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];

/** Minutes after local midnight; end may be 1440 (the midnight ending the day). */
export interface Range {
  start: number;
  end: number;
}

/** Ranges per weekday, Monday first; an empty list is a closed day. */
export type Week = Range[][];

export const MINUTES_PER_DAY = 1440;

function parseTime(s: string): number | null {
  const m = /^(\d\d):(\d\d)$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return null;
  return h * 60 + mi;
}

export function formatTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function parseDays(token: string): number[] | null {
  const out: number[] = [];
  for (const item of token.split(",")) {
    const [a, b, extra] = item.split("-");
    if (extra !== undefined) return null;
    const d0 = DAYS.indexOf(a as Day);
    const d1 = b === undefined ? d0 : DAYS.indexOf(b as Day);
    if (d0 < 0 || d1 < 0) return null;
    for (let d = d0; ; d = (d + 1) % 7) {
      if (out.includes(d)) return null;
      out.push(d);
      if (d === d1) break;
    }
  }
  return out;
}

/** The week SPEC describes, or null when it is not a spec this editor can show. */
export function parseHours(spec: string): Week | null {
  const s = spec.trim().replace(/[ \t]+/g, " ");
  if (!s) return null;
  const week: Week = DAYS.map(() => []);
  if (s === "24x7") return DAYS.map(() => [{ start: 0, end: MINUTES_PER_DAY }]);
  const seen = new Set<number>();
  for (const rawRule of s.split(";")) {
    const parts = rawRule.trim().split(" ").filter(Boolean);
    if (parts.length < 2) return null;
    const days = parseDays(parts[0]);
    if (!days) return null;
    const ranges: Range[] = [];
    for (const r of parts.slice(1)) {
      const [a, b, extra] = r.split("-");
      if (b === undefined || extra !== undefined) return null;
      const start = parseTime(a);
      const end = parseTime(b);
      if (start === null || end === null || start >= end) return null;
      const prev = ranges[ranges.length - 1];
      if (prev && start < prev.end) return null;
      ranges.push({ start, end });
    }
    for (const d of days) {
      if (seen.has(d)) return null;
      seen.add(d);
      week[d] = ranges.map((x) => ({ ...x }));
    }
  }
  return week;
}

/**
 * Day indexes as the shortest readable list: "mon-fri", "mon,wed,fri",
 * "sun-thu" (a run may wrap the week, as the spec allows).
 */
function formatDays(days: number[]): string {
  const set = new Set(days);
  if (set.size === 7) return "mon-sun";
  const items: string[] = [];
  for (let s = 0; s < 7; s++) {
    // A run starts at a day whose previous day is closed.
    if (!set.has(s) || set.has((s + 6) % 7)) continue;
    let e = s;
    while (set.has((e + 1) % 7)) e = (e + 1) % 7;
    const len = ((e - s + 7) % 7) + 1;
    if (len >= 3) items.push(`${DAYS[s]}-${DAYS[e]}`);
    else for (let k = 0; k < len; k++) items.push(DAYS[(s + k) % 7]);
  }
  return items.join(",");
}

function signature(ranges: Range[]): string {
  return ranges.map((r) => `${formatTime(r.start)}-${formatTime(r.end)}`).join(" ");
}

/** The spec for WEEK: "24x7" when always open, rules grouped by identical hours, "" when always closed. */
export function formatHours(week: Week): string {
  if (week.every((r) => r.length === 1 && r[0].start === 0 && r[0].end === MINUTES_PER_DAY)) return "24x7";
  const groups = new Map<string, number[]>();
  week.forEach((ranges, d) => {
    if (ranges.length === 0) return;
    const sig = signature(ranges);
    const days = groups.get(sig);
    if (days) days.push(d);
    else groups.set(sig, [d]);
  });
  return [...groups.entries()].map(([sig, days]) => `${formatDays(days)} ${sig}`).join("; ");
}

/** Working minutes per week (ranges of one day never overlap in a valid spec). */
export function weeklyMinutes(week: Week): number {
  return week.reduce((sum, day) => sum + day.reduce((s, r) => s + (r.end - r.start), 0), 0);
}

// ---- holidays ------------------------------------------------------------

/** The dates of a holidays list ("2026-11-26,2026-12-25"), sorted and unique, or null when one is malformed. */
export function parseHolidays(text: string): string[] | null {
  const out = new Set<string>();
  for (const raw of text.split(",")) {
    const d = raw.trim();
    if (!d) {
      if (text.trim() === "") continue;
      return null;
    }
    if (!/^\d{4}-\d\d-\d\d$/.test(d)) return null;
    const [y, m, day] = d.split("-").map(Number);
    const dt = new Date(Date.UTC(y, m - 1, day));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== day) return null;
    out.add(d);
  }
  return [...out].sort();
}

export function formatHolidays(dates: string[]): string {
  return [...new Set(dates)].sort().join(",");
}
