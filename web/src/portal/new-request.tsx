// /portal/new: the support form. The SPOC picks a request type (each says
// who handles it and what to include), fills the fields that type requires
// or recommends, adds screenshots (pick, drop or paste), sees how complete
// the request is, chooses standard or emergency, and files it; the files
// follow once the ticket exists. Anyone else is told who their SPOC is.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, newIdempotencyKey } from "../lib/api";
import { pick, t, useLanguage } from "../lib/i18n";
import { navigate } from "../lib/router";
import { formatDateTime, formatFull } from "../lib/time";
import type { Org, RequestType, Ticket, User } from "../lib/types";
import { Alert, Field, Loading, errorText, useLoad, useTitle } from "../ui/components";
import { type Catalog, type Draft, isSpoc, handledBy, loadCatalog, loadOrg, teamName, typeName, userName } from "./data";
import { detectEnvironment } from "./env";
import { FILES_WITH_TICKET, FileZone, type PendingFiles, uploadFiles, useFileList, withFiles } from "./files";
import { SpocCard } from "./spoc";

/** The fields of the seed's checklist, in the order the form asks for them. */
export const FIELD_ORDER = [
  "subject",
  "description",
  "impact",
  "object_ids",
  "steps",
  "urls",
  "browser",
  "os",
  "attachments",
  "business_justification",
] as const;
type FieldName = (typeof FIELD_ORDER)[number];

export const OBJECT_TYPES = [
  "creative",
  "member",
  "bidder",
  "placement",
  "line_item",
  "insertion_order",
  "advertiser",
  "publisher",
  "site",
  "segment",
  "deal",
  "campaign",
  "report",
];

const CRITERIA = ["production_down", "financial_loss"] as const;

interface ObjectRow {
  type: string;
  id: string;
}

interface Values {
  subject: string;
  description: string;
  impact: string;
  steps: string;
  urls: string;
  browser: string;
  os: string;
  business_justification: string;
  object_ids: ObjectRow[];
  priority: "standard" | "emergency";
  criteria: string[];
  phone: string;
}

const EMPTY: Values = {
  subject: "",
  description: "",
  impact: "",
  steps: "",
  urls: "",
  browser: "",
  os: "",
  business_justification: "",
  object_ids: [{ type: "creative", id: "" }],
  priority: "standard",
  criteria: [],
  phone: "",
};

/** The level a type gives a field ("optional" when it says nothing). */
function level(type: RequestType | undefined, f: string): "required" | "recommended" | "optional" {
  if (f === "subject" || f === "description") return "required";
  const alias = f === "attachments" ? type?.fields.attachments ?? type?.fields.screenshot : type?.fields[f];
  return alias ?? "optional";
}

function blank(s: string): boolean {
  return s.trim() === "";
}

function urlList(s: string): string[] {
  return s
    .split(/\r?\n/)
    .map((u) => u.trim())
    .filter(Boolean);
}

function objectRows(v: Values): ObjectRow[] {
  return v.object_ids.map((r) => ({ type: r.type, id: r.id.trim() })).filter((r) => r.id !== "");
}

/** Whether the form holds FIELD, as the server counts presence. */
function present(f: FieldName, v: Values, files: number): boolean {
  switch (f) {
    case "object_ids":
      return objectRows(v).length > 0;
    case "urls":
      return urlList(v.urls).length > 0;
    case "attachments":
      return files > 0;
    default:
      return !blank(v[f]);
  }
}

export interface Completeness {
  total: number;
  have: number;
  percent: number;
  missing: { field: FieldName; level: "required" | "recommended" }[];
}

/** Required and recommended fields filled over their count, as the server computes it. */
export function completeness(type: RequestType | undefined, v: Values, files: number): Completeness {
  let total = 0;
  let have = 0;
  const missing: Completeness["missing"] = [];
  for (const f of FIELD_ORDER) {
    const l = level(type, f);
    if (l === "optional") continue;
    total++;
    if (present(f, v, files)) have++;
    else missing.push({ field: f, level: l });
  }
  return { total, have, percent: total ? Math.floor((have * 100) / total) : 100, missing };
}

type Errors = Record<string, string>;

interface Saved {
  type: string;
  values: Values;
  key: string;
}

function readSaved(storageKey: string): Saved | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
    if (!s || typeof s !== "object" || typeof s.key !== "string" || typeof s.values !== "object") return null;
    return { type: String(s.type ?? ""), values: { ...EMPTY, ...s.values }, key: s.key };
  } catch {
    return null;
  }
}

/** Whether the user wrote anything (the pre-filled browser and OS do not count). */
function isDirty(v: Values): boolean {
  return (
    ["subject", "description", "impact", "steps", "urls", "business_justification", "phone"].some(
      (k) => (v[k as keyof Values] as string).trim() !== "",
    ) || v.object_ids.some((r) => r.id.trim() !== "")
  );
}

/** A server message for a field, in the UI language where we know its meaning. */
function localize(field: string, message: string): string {
  if (/^(is )?required\b|is required$/.test(message)) return t("portal.err.required");
  if (field === "emergency_phone" && /not a phone number/.test(message)) return t("portal.err.phone");
  if (field === "emergency_phone" && /needs a phone/.test(message)) return t("portal.err.phone_missing");
  if (field === "emergency_criteria" && /one or both/.test(message)) return t("portal.err.criteria");
  if (field.startsWith("urls") && /not an absolute/.test(message)) return t("portal.err.url");
  if (field === "object_ids" && /of type (\w+)/.test(message))
    return t("portal.err.object_type", { type: t("portal.object." + message.match(/of type (\w+)/)![1]) });
  return message;
}

/** Folds the server's field names (urls[2], object_ids[0].id) onto the form's fields. */
function fieldErrors(e: ApiError): { errors: Errors; other: string[] } {
  const errors: Errors = {};
  const other: string[] = [];
  for (const f of e.fields) {
    const m = f.name.match(/^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$/);
    const base = m?.[1] ?? f.name;
    const msg = localize(base, f.message);
    if (base === "urls" && m?.[2] !== undefined)
      errors.urls = [errors.urls, t("portal.err.line", { n: Number(m[2]) + 1, message: msg })].filter(Boolean).join(" ");
    else if (base === "object_ids" && m?.[2] !== undefined) errors[`object_ids.${m[2]}`] = msg;
    else if (base === "file") errors.attachments = msg;
    else if (
      (FIELD_ORDER as readonly string[]).includes(base) ||
      ["emergency_criteria", "emergency_phone", "priority", "request_type"].includes(base)
    )
      errors[base] = errors[base] ? `${errors[base]} ${msg}` : msg;
    else other.push(`${f.name}: ${f.message}`);
  }
  return { errors, other };
}

/** Focuses the control (or the group's first control) marked data-field=F. */
function focusField(f: string) {
  const el = document.querySelector<HTMLElement>(`.request-form [data-field="${f}"]`);
  if (!el) return;
  const target = el.matches("input, textarea, select, button")
    ? el
    : (el.querySelector("input:not([hidden]), textarea, select, button") as HTMLElement | null) ?? el;
  target.focus();
  target.scrollIntoView({ block: "center" });
}

export function NewRequest(props: { user: User; query: URLSearchParams }) {
  const lang = useLanguage();
  useTitle(t("portal.new.title"));
  const draftParam = props.query.get("draft") ?? "";
  const draftId = /^\d+$/.test(draftParam) ? Number(draftParam) : 0;
  const state = useLoad(async () => {
    const [org, cat, draft] = await Promise.all([
      loadOrg(props.user),
      loadCatalog(),
      draftId ? api.get<Draft>(`/drafts/${draftId}`).then((r) => r.data) : Promise.resolve(null),
    ]);
    return { org, cat, draft };
  }, [props.user.id, draftId]);
  // A new form (new idempotency key) each time the user asks for another.
  const [round, setRound] = useState(0);
  const another = (to: string) => () => {
    setRound((n) => n + 1);
    navigate(to, true);
    window.scrollTo(0, 0);
  };
  return (
    <section class="page portal" data-lang={lang}>
      <Loading state={state}>
        {({ org, cat, draft }) => {
          const spoc = isSpoc(org, props.user);
          if (draft && draft.state === "filed")
            return (
              <div class="portal-narrow">
                <Alert kind="info">
                  {t("portal.draft.already_filed")}{" "}
                  <a href={`/portal/tickets/${draft.ticket_id}`}>{t("portal.ticket.label", { id: draft.ticket_id ?? "" })}</a>
                </Alert>
              </div>
            );
          if (spoc)
            return (
              <RequestForm
                key={`${round}-${draftId}`}
                mode="file"
                org={org}
                cat={cat}
                draft={draft}
                initialType={props.query.get("type") ?? ""}
                onAnother={another("/portal/new")}
              />
            );
          if (draft || draftParam === "new")
            return (
              <RequestForm
                key={`${round}-${draftId}`}
                mode="draft"
                org={org}
                cat={cat}
                draft={draft}
                initialType={props.query.get("type") ?? ""}
                onAnother={another("/portal/new?draft=new")}
              />
            );
          return <NotSpoc org={org} user={props.user} />;
        }}
      </Loading>
    </section>
  );
}

function NotSpoc({ org, user }: { org: Org; user: User }) {
  return (
    <div class="narrow portal-narrow">
      <p class="crumbs">
        <a href="/portal">{t("portal.nav.home")}</a>
      </p>
      <h1>{t("portal.new.title")}</h1>
      <SpocCard org={org} user={user} headingLevel={2} />
      {org.spoc && (
        <div class="card draft-offer">
          <h2>{t("portal.draft.offer_title")}</h2>
          <p>{t("portal.draft.offer_text", { name: org.spoc.name })}</p>
          <a class="button" href="/portal/new?draft=new">
            {t("portal.draft.offer", { name: org.spoc.name })}
          </a>
        </div>
      )}
    </div>
  );
}

/** A draft's stored fields as the form's values. */
function valuesOf(fields: Record<string, unknown>): { type: string; values: Values } {
  const str = (k: string) => (typeof fields[k] === "string" ? (fields[k] as string) : "");
  const objs = Array.isArray(fields.object_ids)
    ? (fields.object_ids as any[])
        .filter((o) => o && typeof o === "object")
        .map((o) => ({ type: String(o.type ?? "creative"), id: String(o.id ?? "") }))
    : [];
  return {
    type: str("request_type"),
    values: {
      ...EMPTY,
      subject: str("subject"),
      description: str("description"),
      impact: str("impact"),
      steps: str("steps"),
      browser: str("browser"),
      os: str("os"),
      business_justification: str("business_justification"),
      urls: Array.isArray(fields.urls) ? (fields.urls as unknown[]).map(String).join("\n") : "",
      object_ids: objs.length ? objs : EMPTY.object_ids,
      priority: fields.priority === "emergency" ? "emergency" : "standard",
      criteria: Array.isArray(fields.emergency_criteria) ? (fields.emergency_criteria as unknown[]).map(String) : [],
      phone: str("emergency_phone"),
    },
  };
}

interface Filed {
  ticket: Ticket;
  uploaded: number;
  uploadError: string;
}

function RequestForm(props: {
  /** "file": the SPOC files (a new request, or a colleague's draft); "draft": a contact prepares one. */
  mode: "file" | "draft";
  org: Org;
  cat: Catalog;
  draft: Draft | null;
  initialType: string;
  onAnother: () => void;
}) {
  const { org, cat, mode, draft } = props;
  // What the user was writing survives a reload or a detour (this tab only),
  // with its idempotency key: a retry after a lost answer still files once.
  const storageKey = `switchboard.portal.new-request.${org.id}.${mode}.${draft?.id ?? "new"}`;
  const [saved] = useState(() => readSaved(storageKey) ?? (draft ? { ...valuesOf(draft.fields), key: newIdempotencyKey() } : null));
  const fromDraft = !!draft && !readSaved(storageKey);
  const known = (k: string | undefined) => (cat.types.some((x) => x.key === k) ? k! : "");
  const [typeKey, setTypeKey] = useState(known(props.initialType) || known(saved?.type));
  const type = cat.types.find((x) => x.key === typeKey);
  const [v, setV] = useState<Values>(saved?.values ?? EMPTY);
  const [restored, setRestored] = useState(!!saved && !fromDraft);
  const [drafted, setDrafted] = useState<Draft | null>(null);
  const files = useFileList();
  const [errors, setErrors] = useState<Errors>({});
  const [other, setOther] = useState<string[]>([]);
  const [failure, setFailure] = useState("");
  const [phase, setPhase] = useState<"" | "filing" | "uploading">("");
  const [filed, setFiled] = useState<Filed | null>(null);
  const key = useRef(saved?.key ?? newIdempotencyKey());
  const summary = useRef<HTMLDivElement>(null);
  const typed = useRef({ browser: !!saved?.values.browser, os: !!saved?.values.os });

  useEffect(() => {
    try {
      if (filed || drafted) sessionStorage.removeItem(storageKey);
      else if (typeKey || isDirty(v))
        sessionStorage.setItem(storageKey, JSON.stringify({ type: typeKey, values: v, key: key.current }));
    } catch {
      // Storage full or disabled: the form still works, it just is not kept.
    }
  }, [typeKey, v, filed, drafted]);

  // Browser and OS with versions, unless the user already typed their own.
  useEffect(() => {
    let live = true;
    detectEnvironment().then((env) => {
      if (!live) return;
      setV((cur) => ({
        ...cur,
        browser: typed.current.browser ? cur.browser : env.browser,
        os: typed.current.os ? cur.os : env.os,
      }));
    });
    return () => {
      live = false;
    };
  }, []);

  // A type that requires a kind of object starts the first row with it.
  useEffect(() => {
    const want = type?.required_object_type;
    if (!want) return;
    setV((cur) =>
      cur.object_ids.length === 1 && cur.object_ids[0].id === ""
        ? { ...cur, object_ids: [{ type: want, id: "" }] }
        : cur,
    );
  }, [type?.key]);

  const done = useMemo(() => completeness(type, v, files.items.length), [type, v, files.items.length]);

  function set<K extends keyof Values>(k: K, value: Values[K]) {
    setV((cur) => ({ ...cur, [k]: value }));
    if (errors[k as string]) setErrors((cur) => ({ ...cur, [k]: "" }));
  }

  function chooseType(k: string) {
    setTypeKey(k);
    setErrors((cur) => ({ ...cur, request_type: "" }));
    history.replaceState(null, "", "/portal/new?type=" + encodeURIComponent(k));
  }

  /** What the form lacks before anything is sent (the server checks again). */
  function check(): Errors {
    const e: Errors = {};
    if (!type) {
      e.request_type = t("portal.err.type");
      return e;
    }
    // A draft may be unfinished: the SPOC completes it. It needs a subject to be found.
    if (mode === "draft") {
      if (blank(v.subject)) e.subject = t("portal.err.required");
      return e;
    }
    for (const m of done.missing) if (m.level === "required") e[m.field] = t("portal.err.required");
    const want = type.required_object_type;
    if (want && !objectRows(v).some((r) => r.type === want))
      e.object_ids = t("portal.err.object_type", { type: t("portal.object." + want) });
    if (type.kind !== "account" && v.priority === "emergency") {
      if (v.criteria.length === 0) e.emergency_criteria = t("portal.err.criteria");
      if (blank(v.phone)) e.emergency_phone = t("portal.err.phone_missing");
    }
    return e;
  }

  function body(): Record<string, unknown> {
    const b: Record<string, unknown> = { request_type: typeKey };
    for (const f of ["subject", "description", "impact", "steps", "browser", "os", "business_justification"] as const) {
      if (level(type, f) !== "optional" && !blank(v[f])) b[f] = v[f].trim();
    }
    if (level(type, "urls") !== "optional" && urlList(v.urls).length) b.urls = urlList(v.urls);
    if (level(type, "object_ids") !== "optional" && objectRows(v).length) b.object_ids = objectRows(v);
    if (type && type.kind !== "account") {
      b.priority = v.priority;
      if (v.priority === "emergency") {
        b.emergency_criteria = v.criteria;
        b.emergency_phone = v.phone.trim();
      }
    }
    return b;
  }

  function showErrors(e: Errors, rest: string[] = []) {
    setErrors(e);
    setOther(rest);
    queueMicrotask(() => summary.current?.focus());
  }

  async function submit(ev: Event) {
    ev.preventDefault();
    if (phase) return;
    setFailure("");
    const local = check();
    if (Object.values(local).some(Boolean)) {
      showErrors(local);
      return;
    }
    setErrors({});
    setOther([]);
    setPhase("filing");
    if (mode === "draft") {
      try {
        const saved = draft
          ? await api.patch<Draft>(`/drafts/${draft.id}`, body())
          : await api.post<Draft>("/drafts", body());
        setPhase("");
        setDrafted(saved.data);
      } catch (e) {
        setPhase("");
        setFailure(errorText(e));
        queueMicrotask(() => summary.current?.focus());
      }
      return;
    }
    let ticket: Ticket;
    try {
      ticket = draft
        ? (await fileDraft(draft.id, body()))
        : (
            await api.post<Ticket>(
              "/tickets",
              files.items.length ? withFiles(body(), files.items.map((p) => p.file)) : body(),
              { idempotencyKey: key.current },
            )
          ).data;
    } catch (e) {
      setPhase("");
      if (e instanceof ApiError && e.status === 422 && e.fields.length) {
        const { errors: fe, other: rest } = fieldErrors(e);
        showErrors(fe, rest);
      } else {
        setFailure(errorText(e));
        queueMicrotask(() => summary.current?.focus());
      }
      return;
    }
    // A filed draft carries no files; a filing carried the first batch.
    const sent = draft ? 0 : Math.min(files.items.length, FILES_WITH_TICKET);
    let uploaded = sent;
    let uploadError = "";
    if (files.items.length > sent) {
      setPhase("uploading");
      try {
        uploaded += (await uploadFiles(ticket.id, files.items.slice(sent).map((p) => p.file))).length;
      } catch (e) {
        uploadError = errorText(e);
      }
    }
    if (!uploadError) files.clear();
    setPhase("");
    setFiled({ ticket, uploaded, uploadError });
  }

  if (filed)
    return (
      <Confirmation
        filed={filed}
        org={org}
        cat={cat}
        files={files}
        onRetried={(n) => setFiled({ ...filed, uploaded: filed.uploaded + n, uploadError: "" })}
        onAnother={props.onAnother}
      />
    );

  if (drafted) return <DraftSent draft={drafted} org={org} cat={cat} onAnother={props.onAnother} />;

  const hasErrors = Object.values(errors).some(Boolean) || other.length > 0;
  const support = cat.types.filter((x) => x.kind !== "account");
  const account = cat.types.filter((x) => x.kind === "account");
  const err = (f: string) => errors[f] || undefined;
  const show = (f: string) => level(type, f) !== "optional";

  return (
    <>
      <form class="request-form" onSubmit={submit} onPaste={files.onPaste} noValidate aria-labelledby="nr-title">
        <p class="crumbs">
          <a href="/portal">{t("portal.nav.home")}</a>
        </p>
        <h1 id="nr-title">
          {mode === "draft" ? t("portal.draft.title") : draft ? t("portal.draft.review_title") : t("portal.new.title")}
        </h1>
        <p class="lede">
          {mode === "draft"
            ? t("portal.draft.lede", { name: org.spoc?.name ?? "" })
            : t("portal.new.lede")}
        </p>
        {draft && mode === "file" && <DraftFrom draft={draft} />}
        {restored && (
          <div class="alert alert-info restored">
            <span>{t("portal.new.restored")}</span>{" "}
            <button
              type="button"
              class="link"
              onClick={() => {
                try {
                  sessionStorage.removeItem(storageKey);
                } catch {
                  // nothing kept
                }
                setRestored(false);
                props.onAnother();
              }}
            >
              {t("portal.new.start_over")}
            </button>
          </div>
        )}

        <div ref={summary} tabIndex={-1} class="error-summary-wrap">
          {(hasErrors || failure) && (
            <Alert kind="error">
              {failure ? (
                t("portal.new.failed", { message: failure })
              ) : (
                <>
                  <strong>{t("portal.new.fix")}</strong>
                  <ul class="error-list">
                    {Object.entries(errors)
                      .filter(([, m]) => m)
                      .map(([f, m]) => (
                        <li key={f}>
                          <button type="button" class="link" onClick={() => focusField(f)}>
                            {fieldLabel(f)}
                          </button>
                          : {m}
                        </li>
                      ))}
                    {other.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                </>
              )}
            </Alert>
          )}
        </div>

        <section class="card form-step" aria-labelledby="nr-step-type">
          <h2 id="nr-step-type">
            <span class="step-number" aria-hidden="true">
              1
            </span>
            {t("portal.new.step_type")}
          </h2>
          <p class="hint">{t("portal.new.research")}</p>
          {errors.request_type && (
            <p class="error" id="nr-request_type-err">
              {errors.request_type}
            </p>
          )}
          <TypeGroup
            legend={t("portal.new.support_types")}
            note={t("portal.new.support_note")}
            types={support}
            selected={typeKey}
            onChoose={chooseType}
            handler={(x) => t("portal.new.handled_by", { team: teamName(cat, x.team) })}
            first
          />
          <TypeGroup
            legend={t("portal.new.account_types")}
            note={
              org.account_rep
                ? t("portal.new.account_note_named", { name: org.account_rep.name })
                : t("portal.new.account_note")
            }
            types={account}
            selected={typeKey}
            onChoose={chooseType}
            handler={() =>
              org.account_rep
                ? t("portal.new.goes_to_rep_named", { name: org.account_rep.name })
                : t("portal.new.goes_to_rep")
            }
          />
          {type && (
            <div class="actions type-continue">
              <button type="button" class="button" onClick={() => focusField("subject")}>
                {t("portal.new.continue", { type: pick(type, "name") })}
              </button>
            </div>
          )}
        </section>

        {type && (
          <>
            <section class="card form-step" aria-labelledby="nr-step-details">
              <h2 id="nr-step-details">
                <span class="step-number" aria-hidden="true">
                  2
                </span>
                {t("portal.new.step_details")}
              </h2>
              <div class="type-chosen">
                <p>
                  <strong>{pick(type, "name")}</strong>
                  {" · "}
                  {type.kind === "account"
                    ? org.account_rep
                      ? t("portal.new.goes_to_rep_named", { name: org.account_rep.name })
                      : t("portal.new.goes_to_rep")
                    : t("portal.new.handled_by", { team: teamName(cat, type.team) })}
                </p>
                {pick(type, "hint") && (
                  <p class="hint">
                    {type.kind === "account" ? pick(type, "hint") : t("portal.new.include", { hint: pick(type, "hint") })}
                  </p>
                )}
              </div>

              <TextField name="subject" label={t("portal.field.subject")} hint={t("portal.hint.subject")} v={v} set={set} err={err} type={type} oneLine />
              <TextField name="description" label={t("portal.field.description")} hint={t("portal.hint.description")} v={v} set={set} err={err} type={type} />
              {show("impact") && (
                <TextField name="impact" label={t("portal.field.impact")} hint={t("portal.hint.impact")} v={v} set={set} err={err} type={type} rows={3} />
              )}
              {show("business_justification") && (
                <TextField
                  name="business_justification"
                  label={t("portal.field.business_justification")}
                  hint={t("portal.hint.business_justification")}
                  v={v}
                  set={set}
                  err={err}
                  type={type}
                  rows={3}
                />
              )}
              {show("steps") && (
                <TextField name="steps" label={t("portal.field.steps")} hint={t("portal.hint.steps")} v={v} set={set} err={err} type={type} />
              )}
              {show("urls") && (
                <TextField name="urls" label={t("portal.field.urls")} hint={t("portal.hint.urls")} v={v} set={set} err={err} type={type} rows={3} />
              )}
              {show("object_ids") && (
                <ObjectIds
                  rows={v.object_ids}
                  level={level(type, "object_ids")}
                  want={type.required_object_type}
                  errors={errors}
                  onChange={(rows) => {
                    set("object_ids", rows);
                    setErrors((cur) => {
                      const next = { ...cur };
                      for (const k of Object.keys(next)) if (k.startsWith("object_ids")) next[k] = "";
                      return next;
                    });
                  }}
                />
              )}
            </section>

            {(show("browser") || show("os") || show("attachments")) && (
              <section class="card form-step" aria-labelledby="nr-step-env">
                <h2 id="nr-step-env">
                  <span class="step-number" aria-hidden="true">
                    3
                  </span>
                  {t("portal.new.step_env")}
                </h2>
                {(show("browser") || show("os")) && <p class="hint">{t("portal.new.env_prefilled")}</p>}
                <div class="row">
                  {show("browser") && (
                    <TextField
                      name="browser"
                      label={t("portal.field.browser")}
                      v={v}
                      set={(k, val) => {
                        typed.current.browser = true;
                        set(k, val);
                      }}
                      err={err}
                      type={type}
                      oneLine
                      autoComplete="off"
                    />
                  )}
                  {show("os") && (
                    <TextField
                      name="os"
                      label={t("portal.field.os")}
                      v={v}
                      set={(k, val) => {
                        typed.current.os = true;
                        set(k, val);
                      }}
                      err={err}
                      type={type}
                      oneLine
                      autoComplete="off"
                    />
                  )}
                </div>
                <MemberId org={org} />
                {show("attachments") && mode === "draft" && <p class="hint">{t("portal.draft.no_files", { name: org.spoc?.name ?? "" })}</p>}
                {show("attachments") && mode === "file" && (
                  <FileZone
                    files={files}
                    legend={t("portal.field.attachments")}
                    level={level(type, "attachments")}
                    error={err("attachments")}
                    disabled={!!phase}
                    field="attachments"
                  />
                )}
              </section>
            )}
            {!(show("browser") || show("os") || show("attachments")) && (
              <section class="card form-step" aria-labelledby="nr-step-files">
                <h2 id="nr-step-files">
                  <span class="step-number" aria-hidden="true">
                    3
                  </span>
                  {t("portal.new.step_files")}
                </h2>
                <MemberId org={org} />
                {mode === "draft" ? (
                  <p class="hint">{t("portal.draft.no_files", { name: org.spoc?.name ?? "" })}</p>
                ) : (
                  <FileZone files={files} legend={t("portal.field.files")} error={err("attachments")} disabled={!!phase} field="attachments" />
                )}
              </section>
            )}

            {type.kind !== "account" ? (
              <Priority v={v} set={set} errors={errors} />
            ) : (
              <section class="card form-step" aria-labelledby="nr-step-next">
                <h2 id="nr-step-next">
                  <span class="step-number" aria-hidden="true">
                    4
                  </span>
                  {t("portal.new.step_next")}
                </h2>
                <p>
                  {org.account_rep
                    ? t("portal.new.account_next_named", { name: org.account_rep.name })
                    : t("portal.new.account_next")}
                </p>
              </section>
            )}

            <section class="card submit-card" aria-labelledby="nr-complete">
              <Meter done={done} draft={mode === "draft"} />
              {files.items.length > 0 && (
                <p class="hint">{t("portal.new.files_follow", { count: files.items.length })}</p>
              )}
              <div class="actions">
                <button type="submit" class="button-primary button-large" disabled={!!phase} aria-busy={!!phase}>
                  {phase === "filing"
                    ? t("portal.new.sending")
                    : phase === "uploading"
                      ? t("portal.new.uploading")
                      : mode === "draft"
                        ? t("portal.draft.send", { name: org.spoc?.name ?? "" })
                        : v.priority === "emergency" && type.kind !== "account"
                        ? t("portal.new.submit_emergency")
                        : t("portal.new.submit")}
                </button>
                <a href="/portal" class="button button-quiet">
                  {t("common.cancel")}
                </a>
              </div>
              <p class="visually-hidden" role="status">
                {phase === "filing" ? t("portal.new.sending") : phase === "uploading" ? t("portal.new.uploading") : ""}
              </p>
            </section>
          </>
        )}
      </form>
      {draft && mode === "file" && <SendBack draft={draft} storageKey={storageKey} />}
    </>
  );
}

/** Files a colleague's draft; a retry after a lost answer finds the ticket it became. */
async function fileDraft(id: number, body: Record<string, unknown>): Promise<Ticket> {
  try {
    return (await api.post<Ticket>(`/drafts/${id}/file`, body)).data;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 409)) throw e;
    const d = (await api.get<Draft>(`/drafts/${id}`)).data;
    if (!d.ticket_id) throw e;
    return (await api.get<Ticket>(`/tickets/${d.ticket_id}`)).data;
  }
}

/** Who prepared the draft the SPOC is reviewing. */
function DraftFrom({ draft }: { draft: Draft }) {
  const [name, setName] = useState("");
  useEffect(() => {
    userName(draft.author_id).then(setName);
  }, [draft.author_id]);
  return (
    <Alert kind="info">
      {t("portal.draft.from", { name: name || "…", when: formatDateTime(draft.updated_at) })}
    </Alert>
  );
}

/** The SPOC sends a draft back to its author, saying what to change. */
function SendBack({ draft, storageKey }: { draft: Draft; storageKey: string }) {
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function send() {
    if (!comment.trim()) {
      setError(t("portal.draft.return_empty"));
      return;
    }
    setBusy(true);
    setError("");
    try {
      await api.post(`/drafts/${draft.id}/return`, { comment: comment.trim() });
      try {
        sessionStorage.removeItem(storageKey);
      } catch {
        // nothing kept
      }
      navigate("/portal?returned=" + draft.id);
    } catch (e) {
      setError(e instanceof ApiError && e.field("comment") ? e.field("comment")! : errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card send-back" aria-labelledby="send-back-title">
      <h2 id="send-back-title">{t("portal.draft.return_title")}</h2>
      <Field label={t("portal.draft.return_label")} hint={t("portal.draft.return_hint")} error={error || undefined}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={3}
            value={comment}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        )}
      </Field>
      <button type="button" class="button" onClick={send} disabled={busy} aria-busy={busy}>
        {busy ? t("portal.new.sending") : t("portal.draft.return")}
      </button>
    </section>
  );
}

/** After a contact sends a draft: who has it now. */
function DraftSent({ draft, org, cat, onAnother }: { draft: Draft; org: Org; cat: Catalog; onAnother: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useTitle(t("portal.draft.sent_title"));
  useEffect(() => {
    heading.current?.focus();
    window.scrollTo(0, 0);
  }, []);
  const f = valuesOf(draft.fields);
  return (
    <div class="portal-narrow">
      <div class="card confirmation-card">
        <p class="confirmation-mark" aria-hidden="true">
          ✓
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {t("portal.draft.sent_title")}
        </h1>
        <p role="status" class="promise">
          {t("portal.draft.sent_text", { name: org.spoc?.name ?? "" })}
        </p>
        <dl class="details confirmation-details">
          <dt>{t("portal.field.subject")}</dt>
          <dd>{f.values.subject}</dd>
          <dt>{t("portal.ticket.type")}</dt>
          <dd>{pick(cat.types.find((x) => x.key === f.type), "name")}</dd>
        </dl>
        <div class="actions">
          <a class="button button-primary" href="/portal">
            {t("portal.done.home")}
          </a>
          <button type="button" class="button" onClick={onAnother}>
            {t("portal.draft.another")}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The string for KEY with the {NAME} placeholder replaced by an element. */
function slot(key: string, name: string, node: preact.ComponentChildren): preact.ComponentChildren {
  const [before, after] = t(key, { [name]: "\u0000" }).split("\u0000");
  return (
    <>
      {before}
      {node}
      {after}
    </>
  );
}

export function fieldLabel(f: string): string {
  if (f.startsWith("object_ids.")) return t("portal.field.object_id_n", { n: Number(f.split(".")[1]) + 1 });
  return t("portal.field." + f);
}

function TypeGroup(props: {
  legend: string;
  note: string;
  types: RequestType[];
  selected: string;
  onChoose: (k: string) => void;
  handler: (x: RequestType) => string;
  first?: boolean;
}) {
  if (props.types.length === 0) return null;
  // A hint every type of the group shares says nothing about any one of them.
  const hints = new Set(props.types.map((x) => pick(x, "hint")));
  const shared = props.types.length > 1 && hints.size === 1;
  return (
    <fieldset class="type-group" data-field={props.first ? "request_type" : undefined}>
      <legend>{props.legend}</legend>
      <p class="hint">{props.note}</p>
      <div class="type-grid">
        {props.types.map((x) => {
          const id = "type-" + x.key;
          return (
            <div key={x.key} class={"type-option" + (props.selected === x.key ? " type-selected" : "")}>
              <input
                type="radio"
                name="request_type"
                id={id}
                value={x.key}
                checked={props.selected === x.key}
                aria-describedby={id + "-desc"}
                onChange={() => props.onChoose(x.key)}
              />
              <label for={id}>{pick(x, "name")}</label>
              <p class="type-desc" id={id + "-desc"}>
                <span class="type-team">{props.handler(x)}</span>
                {!shared && pick(x, "hint") && <span class="type-hint">{pick(x, "hint")}</span>}
              </p>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function TextField(props: {
  name: "subject" | "description" | "impact" | "steps" | "urls" | "browser" | "os" | "business_justification";
  label: string;
  hint?: string;
  v: Values;
  set: <K extends keyof Values>(k: K, value: Values[K]) => void;
  err: (f: string) => string | undefined;
  type: RequestType;
  oneLine?: boolean;
  rows?: number;
  autoComplete?: string;
}) {
  const { name } = props;
  return (
    <Field label={props.label} hint={props.hint} error={props.err(name)} level={level(props.type, name)}>
      {({ id, describedBy, invalid }) =>
        props.oneLine ? (
          <input
            id={id}
            data-field={name}
            name={name}
            value={props.v[name]}
            maxLength={200}
            autoComplete={props.autoComplete}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            aria-required={level(props.type, name) === "required" || undefined}
            onInput={(e) => props.set(name, e.currentTarget.value)}
          />
        ) : (
          <textarea
            id={id}
            data-field={name}
            name={name}
            rows={props.rows ?? 5}
            value={props.v[name]}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            aria-required={level(props.type, name) === "required" || undefined}
            onInput={(e) => props.set(name, e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

function MemberId({ org }: { org: Org }) {
  return (
    <div class="field">
      <label for="nr-member">{t("portal.field.member_id")}</label>
      <input id="nr-member" value={org.member_id} readOnly aria-describedby="nr-member-hint" />
      <p class="hint" id="nr-member-hint">
        {org.bidder_ids.length
          ? t("portal.hint.member_bidders", { ids: org.bidder_ids.join(", ") })
          : t("portal.hint.member")}
      </p>
    </div>
  );
}

function ObjectIds(props: {
  rows: ObjectRow[];
  level: "required" | "recommended" | "optional";
  want: string | null;
  errors: Errors;
  onChange: (rows: ObjectRow[]) => void;
}) {
  const { rows } = props;
  const update = (i: number, patch: Partial<ObjectRow>) =>
    props.onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const error = props.errors.object_ids;
  return (
    <fieldset class={"objects" + (error ? " field-invalid" : "")} data-field="object_ids" aria-describedby="nr-objects-hint">
      <legend>
        {t("portal.field.object_ids")}
        {props.level === "required" && <span class="tag tag-required"> {t("common.required")}</span>}
        {props.level === "recommended" && <span class="tag tag-recommended"> {t("common.recommended")}</span>}
      </legend>
      <p class="hint" id="nr-objects-hint">
        {props.want
          ? t("portal.hint.object_ids_want", { type: t("portal.object." + props.want) })
          : t("portal.hint.object_ids")}
      </p>
      {error && <p class="error">{error}</p>}
      <ul class="object-rows">
        {rows.map((r, i) => {
          const rowErr = props.errors[`object_ids.${i}`];
          return (
            <li key={i} class={"object-row" + (rowErr ? " field-invalid" : "")}>
              <label class="visually-hidden" for={`nr-obj-type-${i}`}>
                {t("portal.field.object_type_n", { n: i + 1 })}
              </label>
              <select id={`nr-obj-type-${i}`} value={r.type} onChange={(e) => update(i, { type: e.currentTarget.value })}>
                {OBJECT_TYPES.map((o) => (
                  <option key={o} value={o}>
                    {t("portal.object." + o)}
                  </option>
                ))}
              </select>
              <label class="visually-hidden" for={`nr-obj-id-${i}`}>
                {t("portal.field.object_id_n", { n: i + 1 })}
              </label>
              <input
                id={`nr-obj-id-${i}`}
                data-field={`object_ids.${i}`}
                value={r.id}
                inputMode="text"
                placeholder={t("portal.object.placeholder")}
                aria-invalid={!!rowErr || undefined}
                aria-describedby={rowErr ? `nr-obj-err-${i}` : undefined}
                onInput={(e) => update(i, { id: e.currentTarget.value })}
              />
              {rows.length > 1 && (
                <button
                  type="button"
                  class="button-quiet"
                  aria-label={t("portal.object.remove_n", { n: i + 1 })}
                  onClick={() => props.onChange(rows.filter((_, k) => k !== i))}
                >
                  {t("portal.files.remove")}
                </button>
              )}
              {rowErr && (
                <p class="error" id={`nr-obj-err-${i}`}>
                  {rowErr}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {rows.length < 50 && (
        <button
          type="button"
          class="button"
          onClick={() => props.onChange([...rows, { type: rows[rows.length - 1]?.type ?? props.want ?? "creative", id: "" }])}
        >
          {t("portal.object.add")}
        </button>
      )}
    </fieldset>
  );
}

function Priority(props: {
  v: Values;
  set: <K extends keyof Values>(k: K, value: Values[K]) => void;
  errors: Errors;
}) {
  const { v, set, errors } = props;
  return (
    <section class="card form-step" aria-labelledby="nr-step-priority">
      <h2 id="nr-step-priority">
        <span class="step-number" aria-hidden="true">
          4
        </span>
        {t("portal.new.step_priority")}
      </h2>
      <fieldset class="priority-choice" data-field="priority">
        <legend>{t("portal.field.priority")}</legend>
        <div class="choice">
          <input
            type="radio"
            name="priority"
            id="nr-priority-standard"
            checked={v.priority === "standard"}
            aria-describedby="nr-priority-standard-desc"
            onChange={() => set("priority", "standard")}
          />
          <div>
            <label for="nr-priority-standard">{t("priority.standard")}</label>
            <p class="hint" id="nr-priority-standard-desc">
              {t("portal.priority.standard_desc")}
            </p>
          </div>
        </div>
        <div class="choice">
          <input
            type="radio"
            name="priority"
            id="nr-priority-emergency"
            checked={v.priority === "emergency"}
            aria-describedby="nr-priority-emergency-desc"
            onChange={() => set("priority", "emergency")}
          />
          <div>
            <label for="nr-priority-emergency">{t("priority.emergency")}</label>
            <p class="hint" id="nr-priority-emergency-desc">
              {t("portal.priority.emergency_desc")}
            </p>
          </div>
        </div>
      </fieldset>
      {v.priority === "emergency" && (
        <div class="emergency-box">
          <fieldset
            data-field="emergency_criteria"
            class={errors.emergency_criteria ? "field-invalid" : ""}
            aria-describedby={errors.emergency_criteria ? "nr-criteria-err" : undefined}
          >
            <legend>
              {t("portal.field.emergency_criteria")}
              <span class="tag tag-required"> {t("common.required")}</span>
            </legend>
            <p class="hint">{t("portal.hint.emergency_criteria")}</p>
            {CRITERIA.map((c) => (
              <div class="choice" key={c}>
                <input
                  type="checkbox"
                  id={"nr-crit-" + c}
                  name="emergency_criteria"
                  value={c}
                  checked={v.criteria.includes(c)}
                  onChange={(e) =>
                    set(
                      "criteria",
                      e.currentTarget.checked
                        ? CRITERIA.filter((x) => x === c || v.criteria.includes(x))
                        : v.criteria.filter((x) => x !== c),
                    )
                  }
                />
                <label for={"nr-crit-" + c}>{t("portal.criteria." + c)}</label>
              </div>
            ))}
            {errors.emergency_criteria && (
              <p class="error" id="nr-criteria-err">
                {errors.emergency_criteria}
              </p>
            )}
          </fieldset>
          <Field
            label={t("portal.field.emergency_phone")}
            hint={t("portal.hint.emergency_phone")}
            error={errors.emergency_phone || undefined}
            level="required"
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                data-field="emergency_phone"
                name="emergency_phone"
                type="tel"
                autoComplete="tel"
                value={v.phone}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                aria-required="true"
                onInput={(e) => {
                  set("phone", e.currentTarget.value);
                }}
              />
            )}
          </Field>
        </div>
      )}
    </section>
  );
}

function Meter({ done, draft }: { done: Completeness; draft?: boolean }) {
  const required = done.missing.filter((m) => m.level === "required");
  return (
    <div class="completeness">
      <div class="completeness-head">
        <h2 id="nr-complete">{t("portal.complete.title")}</h2>
        <span class="completeness-figure">
          {t("portal.complete.figure", { have: done.have, total: done.total, percent: done.percent })}
        </span>
      </div>
      <div
        class="meter"
        role="progressbar"
        aria-labelledby="nr-complete"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={done.percent}
        aria-valuetext={t("portal.complete.figure", { have: done.have, total: done.total, percent: done.percent })}
      >
        <span class={required.length ? "meter-partial" : ""} style={{ width: `${done.percent}%` }} />
      </div>
      {done.missing.length === 0 ? (
        <p class="completeness-ok">{t("portal.complete.all")}</p>
      ) : (
        <div class="missing" data-testid="missing">
          <p>
            {draft && required.length
              ? t("portal.complete.missing_draft")
              : required.length
                ? t("portal.complete.missing_required")
                : t("portal.complete.missing_recommended")}
          </p>
          <ul class="missing-list">
            {done.missing.map((m) => (
              <li key={m.field}>
                <button type="button" class={"chip chip-" + m.level} onClick={() => focusField(m.field)}>
                  {fieldLabel(m.field)}
                  <span class="chip-level"> · {t("common." + m.level)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Confirmation(props: {
  filed: Filed;
  org: Org;
  cat: Catalog;
  files: PendingFiles;
  onRetried: (n: number) => void;
  onAnother: () => void;
}) {
  const { ticket, uploaded, uploadError } = props.filed;
  const { org, cat } = props;
  useTitle(t("portal.done.title", { id: ticket.id }));
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [retryError, setRetryError] = useState("");
  useEffect(() => {
    heading.current?.focus();
    window.scrollTo(0, 0);
  }, []);
  async function retry() {
    setBusy(true);
    setRetryError("");
    try {
      const n = (await uploadFiles(ticket.id, props.files.items.map((p) => p.file))).length;
      props.files.clear();
      props.onRetried(n);
    } catch (e) {
      setRetryError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const account = ticket.kind === "account";
  const emergency = ticket.priority === "emergency";
  return (
    <div class="narrow portal-narrow confirmation">
      <div class="card confirmation-card">
        <p class="confirmation-mark" aria-hidden="true">
          ✓
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {t("portal.done.title", { id: ticket.id })}
        </h1>
        <div role="status" class="confirmation-status">
          {account ? (
            <p class="promise">
              {org.account_rep
                ? t("portal.done.account_named", { name: org.account_rep.name })
                : t("portal.done.account")}
            </p>
          ) : (
            <p class="promise">
              {slot(emergency ? "portal.done.emergency_by" : "portal.done.respond_by", "due", (
                <strong class="due" data-due={ticket.first_response_due_at ?? ""}>
                  {formatFull(ticket.first_response_due_at)}
                </strong>
              ))}
            </p>
          )}
          {!account && <p class="muted">{emergency ? t("portal.done.emergency_more", { phone: ticket.emergency_phone ?? "" }) : t("portal.done.sooner")}</p>}
        </div>
        <dl class="details confirmation-details">
          <dt>{t("portal.ticket.number")}</dt>
          <dd>#{ticket.id}</dd>
          <dt>{t("portal.field.subject")}</dt>
          <dd>{ticket.subject}</dd>
          <dt>{t("portal.ticket.type")}</dt>
          <dd>{typeName(cat, ticket.request_type)}</dd>
          <dt>{t("portal.ticket.handled_by")}</dt>
          <dd>
            {handledBy(cat, org, ticket)}
          </dd>
          {!account && (
            <>
              <dt>{t("portal.field.priority")}</dt>
              <dd>{t("priority." + ticket.priority)}</dd>
            </>
          )}
          {uploaded > 0 && (
            <>
              <dt>{t("portal.ticket.files")}</dt>
              <dd>{t("portal.done.files", { count: uploaded })}</dd>
            </>
          )}
        </dl>
        {(uploadError || retryError) && (
          <Alert kind="warning">
            <p>{t("portal.done.upload_failed", { message: retryError || uploadError })}</p>
            <button type="button" class="button" onClick={retry} disabled={busy} aria-busy={busy}>
              {busy ? t("portal.new.uploading") : t("portal.done.retry_upload", { count: props.files.items.length })}
            </button>
          </Alert>
        )}
        <div class="actions">
          <a class="button button-primary" href={`/portal/tickets/${ticket.id}`}>
            {t("portal.done.view", { id: ticket.id })}
          </a>
          <button type="button" class="button" onClick={props.onAnother}>
            {t("portal.done.another")}
          </button>
          <a class="button button-quiet" href="/portal">
            {t("portal.done.home")}
          </a>
        </div>
      </div>
    </div>
  );
}
