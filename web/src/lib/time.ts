// Dates in the viewer's time zone (the browser's), in the UI language.

import { language } from "./i18n";

const formats = new Map<string, Intl.DateTimeFormat>();

function fmt(kind: "datetime" | "date" | "time" | "full"): Intl.DateTimeFormat {
  const key = language() + kind;
  let f = formats.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === "date"
        ? { dateStyle: "medium" }
        : kind === "time"
          ? { timeStyle: "short" }
          : kind === "full"
            ? { weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit", timeZoneName: "short" }
            : { dateStyle: "medium", timeStyle: "short" };
    f = new Intl.DateTimeFormat(language(), opts);
    formats.set(key, f);
  }
  return f;
}

export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? fmt("datetime").format(new Date(iso)) : "";
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? fmt("date").format(new Date(iso)) : "";
}

/** "Monday, 23 November, 10:00 EST": for promises such as a due time. */
export function formatFull(iso: string | null | undefined): string {
  return iso ? fmt("full").format(new Date(iso)) : "";
}

/**
 * A signed duration, short: "2h 05m", "3d 4h", "45s". Negative durations
 * (past due) come back without the sign; callers say "overdue".
 */
export function formatDuration(ms: number): string {
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
