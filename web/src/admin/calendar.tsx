// The business calendar: the time zone, weekly hours and holidays that
// standard first-response targets are counted in. A live preview asks the
// server what the unsaved values would promise ("a standard request filed
// now is due at …") as the admin edits; saving puts them in force for every
// ticket filed from then on.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api } from "../lib/api";
import { language, t } from "../lib/i18n";
import { formatDuration, formatFull, viewerZone } from "../lib/time";
import { Field, Loading, errorText, useLoad, useTitle } from "../ui/components";
import { FormError, Group, PageHead, SaveStatus, SubmitButton, fieldError, useSave, type CalendarPreview, type CalendarSettings } from "./common";
import { DAYS, MINUTES_PER_DAY, formatHolidays, formatHours, formatTime, parseHolidays, parseHours, weeklyMinutes, type Range, type Week } from "./hours";

const FIELDS = ["timezone", "hours", "holidays", "holidays_default"];
const DEFAULT_HOURS = "mon-fri 09:00-18:00";

export function CalendarPage() {
  useTitle(t("admin.cal.title"));
  const state = useLoad(() => api.get<CalendarSettings>("/settings/calendar").then((r) => r.data), []);
  return (
    <>
      <PageHead title={t("admin.cal.title")} lead={t("admin.cal.lead")} />
      <Loading state={state}>{(s) => <CalendarForm saved={s} onSaved={state.set} />}</Loading>
    </>
  );
}

function same(a: CalendarSettings, b: CalendarSettings): boolean {
  return a.timezone === b.timezone && a.hours === b.hours && a.holidays_default === b.holidays_default && (a.holidays_default || a.holidays === b.holidays);
}

/**
 * What the server takes: the default holidays carry no list of dates (the
 * list typed before choosing them stays on the page, in case the admin
 * switches back).
 */
function body(d: CalendarSettings): CalendarSettings {
  return { ...d, holidays: d.holidays_default ? "" : d.holidays };
}

/** "2026-11-23T10:00" (a datetime-local value, the viewer's zone) as RFC 3339 UTC. */
function localToIso(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function CalendarForm(props: { saved: CalendarSettings; onSaved: (s: CalendarSettings) => void }) {
  const [draft, setDraftState] = useState<CalendarSettings>(props.saved);
  const [at, setAt] = useState("");
  const save = useSave();
  const dirty = !same(draft, props.saved);

  function setDraft(d: CalendarSettings) {
    setDraftState(d);
    // The last save's complaints were about other values; the preview speaks for these.
    if (save.error) save.setError(null);
    save.setStatus("");
  }

  const preview = usePreview(draft, at);
  const err = (name: string) => fieldError(save.error, name) ?? fieldError(preview.error, name);

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const saved = (await api.put<CalendarSettings>("/settings/calendar", body(draft))).data;
      props.onSaved(saved);
      setDraftState(saved);
      return t("admin.cal.saved");
    });
  }

  return (
    <form class="calendar-layout" onSubmit={submit} noValidate>
      <div class="calendar-form">
        <FormError error={save.error} known={FIELDS} />
        <section class="card" aria-labelledby="cal-zone">
          <h2 id="cal-zone">{t("admin.cal.zone")}</h2>
          <ZoneField value={draft.timezone} onChange={(v) => setDraft({ ...draft, timezone: v })} error={err("timezone")} />
        </section>
        <section class="card" aria-labelledby="cal-hours">
          <h2 id="cal-hours">{t("admin.cal.hours")}</h2>
          <HoursEditor spec={draft.hours} onChange={(v) => setDraft({ ...draft, hours: v })} error={err("hours")} />
        </section>
        <section class="card" aria-labelledby="cal-holidays">
          <h2 id="cal-holidays">{t("admin.cal.holidays")}</h2>
          <HolidaysEditor
            text={draft.holidays}
            usDefault={draft.holidays_default}
            onText={(v) => setDraft({ ...draft, holidays: v })}
            onDefault={(v) => setDraft({ ...draft, holidays_default: v })}
            error={err("holidays")}
            defaultError={err("holidays_default")}
          />
        </section>
        <div class="card save-bar">
          <div class="actions">
            <SubmitButton busy={save.busy} label={t("admin.cal.save")} />
            <button type="button" disabled={!dirty || save.busy} onClick={() => setDraft(props.saved)}>
              {t("admin.cal.discard")}
            </button>
            {dirty && <span class="muted">{t("admin.cal.unsaved")}</span>}
          </div>
          <SaveStatus message={save.status} />
        </div>
      </div>
      <Preview preview={preview} at={at} setAt={setAt} zone={draft.timezone} />
    </form>
  );
}

// ---- preview -------------------------------------------------------------------

interface PreviewState {
  data: CalendarPreview | null;
  error: unknown;
  loading: boolean;
}

/** Asks the server, 250 ms after the last change, what these values would promise. */
function usePreview(draft: CalendarSettings, at: string): PreviewState {
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  // "Filed now" moves on: ask again every minute.
  useEffect(() => {
    if (at) return;
    const id = window.setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(id);
  }, [at]);
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = window.setTimeout(async () => {
      const req: Record<string, unknown> = { ...body(draft) };
      const iso = localToIso(at);
      if (iso) req.at = iso;
      try {
        const { data } = await api.post<CalendarPreview>("/calendar/preview", req, { signal: ctrl.signal });
        if (!ctrl.signal.aborted) setState({ data, error: null, loading: false });
      } catch (e) {
        if (!ctrl.signal.aborted) setState({ data: null, error: e, loading: false });
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [draft.timezone, draft.hours, draft.holidays, draft.holidays_default, at, tick]);
  return state;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** ISO in ZONE, in the UI language, or "" when the browser does not know ZONE. */
function formatInZone(iso: string, zone: string): string {
  const key = language() + zone;
  let f = zoneFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(language(), { weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short" });
    } catch {
      return "";
    }
    zoneFormats.set(key, f);
  }
  return f.format(new Date(iso));
}

function Preview(props: { preview: PreviewState; at: string; setAt: (v: string) => void; zone: string }) {
  const { data, error, loading } = props.preview;
  const then = !!props.at;
  const mine = viewerZone();
  let body;
  if (error) {
    const fields = error instanceof ApiError ? error.fields : [];
    body = (
      <div class="alert alert-warning" data-testid="preview-error">
        <p>{t("admin.cal.cannot")}</p>
        {fields.length > 0 ? (
          <ul>
            {fields.map((f) => (
              <li key={f.name}>
                {t("admin.cal.field." + f.name) !== "admin.cal.field." + f.name ? t("admin.cal.field." + f.name) : f.name}: {f.message}
              </li>
            ))}
          </ul>
        ) : (
          <p>{errorText(error)}</p>
        )}
      </div>
    );
  } else if (data) {
    const due = (iso: string, kind: string) => {
      const local = formatFull(iso);
      const there = formatInZone(iso, data.timezone);
      return (
        <dd>
          <time dateTime={iso} data-due={kind} class="due">
            {local}
          </time>{" "}
          <span class="muted">{t("admin.cal.your_time", { zone: mine })}</span>
          {data.timezone !== mine && there && (
            <>
              <br />
              <span data-due-zone={kind}>{there}</span> <span class="muted">{t("admin.cal.in_zone", { zone: data.timezone })}</span>
            </>
          )}
          <br />
          <span class="muted">{t("admin.cal.after", { time: formatDuration(Date.parse(iso) - Date.parse(data.at)) })}</span>
        </dd>
      );
    };
    body = (
      <>
        <p>
          <span class={"badge " + (data.open_now ? "badge-ok" : "badge-warn")} data-testid="open-now">
            {data.open_now ? t(then ? "admin.cal.open_then" : "admin.cal.open_now") : t(then ? "admin.cal.closed_then" : "admin.cal.closed_now")}
          </span>
        </p>
        <dl class="preview-list">
          <dt>{t(then ? "admin.cal.standard_then" : "admin.cal.standard_now")}</dt>
          {due(data.standard_due_at, "standard")}
          <dt>{t(then ? "admin.cal.emergency_then" : "admin.cal.emergency_now")}</dt>
          {due(data.emergency_due_at, "emergency")}
        </dl>
        {!data.open_now && <p class="hint">{t("admin.cal.closed_explain")}</p>}
      </>
    );
  } else {
    body = <p class="muted">{t("common.loading")}</p>;
  }
  return (
    <aside class="card preview" aria-labelledby="cal-preview">
      <div class="preview-head">
        <h2 id="cal-preview">{t("admin.cal.preview")}</h2>
        {loading && (
          <span class="muted" aria-hidden="true">
            {t("admin.cal.updating")}
          </span>
        )}
      </div>
      <p class="hint">{t("admin.cal.preview_hint")}</p>
      <div class="preview-body" aria-live="polite" aria-busy={loading} data-testid="preview">
        {body}
      </div>
      <Field label={t("admin.cal.filed_at")} hint={t("admin.cal.filed_at_hint", { zone: mine })}>
        {({ id, describedBy }) => (
          <div class="inline-controls">
            <input id={id} type="datetime-local" name="preview-at" value={props.at} onInput={(e) => props.setAt(e.currentTarget.value)} aria-describedby={describedBy} />
            <button type="button" disabled={!props.at} onClick={() => props.setAt("")}>
              {t("admin.cal.now")}
            </button>
          </div>
        )}
      </Field>
    </aside>
  );
}

// ---- time zone -----------------------------------------------------------------

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    const list = intl.supportedValuesOf?.("timeZone") ?? [];
    return list.includes("UTC") ? list : [...list, "UTC"];
  } catch {
    return [];
  }
}

function ZoneField(props: { value: string; onChange: (v: string) => void; error?: string }) {
  const list = useMemo(zones, []);
  const mine = viewerZone();
  return (
    <Field label={t("admin.cal.zone_label")} hint={t("admin.cal.zone_hint")} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <>
          <div class="inline-controls">
            <input
              id={id}
              name="timezone"
              list={id + "-zones"}
              autoComplete="off"
              spellcheck={false}
              value={props.value}
              onInput={(e) => props.onChange(e.currentTarget.value.trim())}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            />
            {props.value !== mine && (
              <button type="button" onClick={() => props.onChange(mine)}>
                {t("admin.cal.use_mine", { zone: mine })}
              </button>
            )}
          </div>
          <datalist id={id + "-zones"}>
            {list.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

// ---- weekly hours --------------------------------------------------------------

function dayName(d: number): string {
  return t("admin.day." + DAYS[d]);
}

function parseInputTime(v: string): number | null {
  const m = /^(\d\d):(\d\d)/.exec(v);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function HoursEditor(props: { spec: string; onChange: (spec: string) => void; error?: string }) {
  // The editor keeps its own week, so a range being typed (18:00-…) does not
  // make it vanish while the spec is briefly invalid; a spec typed in the
  // text field or picked from a preset replaces it.
  const written = useRef<string | null>(null);
  const [week, setWeek] = useState<Week | null>(() => parseHours(props.spec));
  useEffect(() => {
    if (props.spec !== written.current) setWeek(parseHours(props.spec));
  }, [props.spec]);

  function write(w: Week) {
    setWeek(w);
    const spec = formatHours(w);
    written.current = spec;
    props.onChange(spec);
  }
  function setRanges(d: number, ranges: Range[]) {
    write(week!.map((r, i) => (i === d ? ranges : r)));
  }
  function toggle(d: number, open: boolean) {
    if (!open) return setRanges(d, []);
    // A day opened takes the hours of the nearest open day before it.
    for (let i = 1; i < 7; i++) {
      const prev = week![(d - i + 7) % 7];
      if (prev.length) return setRanges(d, prev.map((r) => ({ ...r })));
    }
    setRanges(d, [{ start: 9 * 60, end: 18 * 60 }]);
  }
  function setTime(d: number, i: number, which: "start" | "end", v: string) {
    let m = parseInputTime(v);
    if (m === null) return;
    if (which === "end" && m === 0) m = MINUTES_PER_DAY;
    setRanges(
      d,
      week![d].map((r, j) => (j === i ? { ...r, [which]: m } : r)),
    );
  }
  function addRange(d: number) {
    const ranges = week![d];
    const last = ranges[ranges.length - 1];
    const start = last ? Math.min(last.end + 60, MINUTES_PER_DAY - 60) : 9 * 60;
    setRanges(d, [...ranges, { start, end: Math.min(start + 4 * 60, MINUTES_PER_DAY) }]);
  }

  const hours = week ? weeklyMinutes(week) / 60 : null;
  return (
    <>
      <div class="actions presets">
        <span class="muted">{t("admin.cal.presets")}</span>
        <button type="button" onClick={() => props.onChange(DEFAULT_HOURS)}>
          {t("admin.cal.preset_weekdays")}
        </button>
        <button type="button" onClick={() => props.onChange("24x7")}>
          {t("admin.cal.preset_247")}
        </button>
      </div>
      {week ? (
        <div class="week" role="group" aria-label={t("admin.cal.by_day")}>
          {week.map((ranges, d) => (
            <div class="day" key={d}>
              <label class="choice day-name">
                <input type="checkbox" checked={ranges.length > 0} onChange={(e) => toggle(d, e.currentTarget.checked)} />
                <span>{dayName(d)}</span>
              </label>
              {ranges.length === 0 ? (
                <span class="muted day-closed">{t("admin.cal.closed")}</span>
              ) : (
                <div class="day-hours">
                  <ul class="ranges">
                    {ranges.map((r, i) => (
                      <li key={i}>
                        <label>
                          <span class="visually-hidden">{t("admin.cal.opens", { day: dayName(d) })}</span>
                          <input type="time" value={formatTime(r.start)} onChange={(e) => setTime(d, i, "start", e.currentTarget.value)} />
                        </label>
                        <span aria-hidden="true">–</span>
                        <label>
                          <span class="visually-hidden">{t("admin.cal.closes", { day: dayName(d) })}</span>
                          <input type="time" value={formatTime(r.end % MINUTES_PER_DAY)} onChange={(e) => setTime(d, i, "end", e.currentTarget.value)} />
                        </label>
                        {ranges.length > 1 && (
                          <button type="button" class="button-quiet" onClick={() => setRanges(d, ranges.filter((_, j) => j !== i))}>
                            {t("admin.cal.remove")}
                            <span class="visually-hidden"> {t("admin.cal.range_of", { day: dayName(d), from: formatTime(r.start), to: formatTime(r.end) })}</span>
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                  <button type="button" class="button-quiet add-range" onClick={() => addRange(d)}>
                    {t("admin.cal.add_range")}
                    <span class="visually-hidden"> {t("admin.cal.on_day", { day: dayName(d) })}</span>
                  </button>
                </div>
              )}
            </div>
          ))}
          <p class="hint">
            {t("admin.cal.midnight")} {hours !== null && t("admin.cal.weekly_total", { hours: String(Math.round(hours * 10) / 10) })}
          </p>
        </div>
      ) : (
        <p class="hint">{t("admin.cal.editor_cannot")}</p>
      )}
      <Field label={t("admin.cal.spec")} hint={t("admin.cal.spec_hint")} error={props.error}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            name="hours"
            class="mono"
            autoComplete="off"
            spellcheck={false}
            value={props.spec}
            onInput={(e) => props.onChange(e.currentTarget.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
          />
        )}
      </Field>
    </>
  );
}

// ---- holidays --------------------------------------------------------------------

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "Thu, Nov 26, 2026" for the local date "2026-11-26" (no time zone involved). */
function formatLocalDate(d: string): string {
  const [y, m, day] = d.split("-").map(Number);
  let f = dateFormats.get(language());
  if (!f) {
    f = new Intl.DateTimeFormat(language(), { weekday: "short", year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
    dateFormats.set(language(), f);
  }
  return f.format(new Date(Date.UTC(y, m - 1, day)));
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** The six US holidays of YEAR as observed (docs/sla.md), as local dates. */
function usHolidays(year: number): string[] {
  const weekday = (m: number, d: number) => new Date(Date.UTC(year, m - 1, d)).getUTCDay();
  const ymd = (t: number) => {
    const dt = new Date(t);
    return `${dt.getUTCFullYear()}-${pad2(dt.getUTCMonth() + 1)}-${pad2(dt.getUTCDate())}`;
  };
  const observed = (m: number, d: number) => {
    const w = weekday(m, d);
    return ymd(Date.UTC(year, m - 1, d) + (w === 6 ? -1 : w === 0 ? 1 : 0) * 86_400_000);
  };
  const lastMay = 31 - ((weekday(5, 31) + 6) % 7);
  const firstSepMonday = 1 + ((8 - weekday(9, 1)) % 7);
  const fourthNovThursday = 1 + ((4 - weekday(11, 1) + 7) % 7) + 21;
  return [
    observed(1, 1),
    `${year}-05-${pad2(lastMay)}`,
    observed(7, 4),
    `${year}-09-${pad2(firstSepMonday)}`,
    `${year}-11-${pad2(fourthNovThursday)}`,
    observed(12, 25),
  ];
}

function HolidaysEditor(props: {
  text: string;
  usDefault: boolean;
  onText: (v: string) => void;
  onDefault: (v: boolean) => void;
  error?: string;
  defaultError?: string;
}) {
  const dates = parseHolidays(props.text);
  const [adding, setAdding] = useState("");
  const [addError, setAddError] = useState("");
  const year = new Date().getFullYear();
  function add() {
    if (!/^\d{4}-\d\d-\d\d$/.test(adding)) {
      setAddError(t("admin.cal.add_date_invalid"));
      return;
    }
    setAddError("");
    props.onText(formatHolidays([...(dates ?? []), adding]));
    setAdding("");
  }
  return (
    <>
      <Group legend={t("admin.cal.which")} error={props.defaultError} class="plain">
        <label class="choice">
          <input type="radio" name="holidays_default" value="us" checked={props.usDefault} onChange={() => props.onDefault(true)} />
          <span>
            {t("admin.cal.us_default_label")}
            <br />
            <span class="hint">{t("admin.cal.us_default_hint")}</span>
          </span>
        </label>
        <label class="choice">
          <input type="radio" name="holidays_default" value="list" checked={!props.usDefault} onChange={() => props.onDefault(false)} />
          <span>{t("admin.cal.own_label")}</span>
        </label>
      </Group>
      {!props.usDefault && (
        <div class="own-dates">
          <h3>{t("admin.cal.dates")}</h3>
          {dates === null ? (
            <p class="hint">{t("admin.cal.dates_cannot")}</p>
          ) : dates.length === 0 ? (
            <p class="muted">{t("admin.cal.dates_empty")}</p>
          ) : (
            <ul class="dates">
              {dates.map((d) => (
                <li key={d}>
                  <time dateTime={d}>{formatLocalDate(d)}</time>
                  <button type="button" class="button-quiet" onClick={() => props.onText(formatHolidays(dates.filter((x) => x !== d)))}>
                    {t("admin.cal.remove")}
                    <span class="visually-hidden"> {formatLocalDate(d)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {dates !== null && (
            <>
              <Field label={t("admin.cal.add_date")} error={addError || undefined}>
                {({ id, describedBy, invalid }) => (
                  <div class="inline-controls">
                    <input
                      id={id}
                      type="date"
                      value={adding}
                      onInput={(e) => setAdding(e.currentTarget.value)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") {
                          e.preventDefault();
                          add();
                        }
                      }}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                    />
                    <button type="button" onClick={add}>
                      {t("admin.cal.add_date_button")}
                    </button>
                  </div>
                )}
              </Field>
              <div class="actions">
                {[year, year + 1].map((y) => (
                  <button key={y} type="button" onClick={() => props.onText(formatHolidays([...dates, ...usHolidays(y)]))}>
                    {t("admin.cal.add_us_year", { year: String(y) })}
                  </button>
                ))}
              </div>
            </>
          )}
          <details class="raw" open={dates === null || !!props.error}>
            <summary>{t("admin.cal.as_text")}</summary>
            <Field label={t("admin.cal.holidays_text")} hint={t("admin.cal.holidays_text_hint")} error={props.error}>
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  name="holidays"
                  class="mono"
                  rows={3}
                  spellcheck={false}
                  value={props.text}
                  onInput={(e) => props.onText(e.currentTarget.value)}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                />
              )}
            </Field>
          </details>
        </div>
      )}
      {props.usDefault && props.error && <p class="error">{props.error}</p>}
    </>
  );
}
