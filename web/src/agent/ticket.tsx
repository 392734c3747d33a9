// One ticket, for staff: what the customer sent (every structured field and
// how complete it is), the conversation with internal notes set apart, a
// composer with three clearly different modes (public reply, internal note,
// question for the customer), the properties (status along the lifecycle,
// priority, assignee) saved with If-Match, the engineering issues it is
// linked to (an existing issue by its key, or a new one) and the history.
// Server-Sent Events keep it current, links included.

import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { useTicketEvents } from "../lib/events";
import { pick, t, useLanguage } from "../lib/i18n";
import { navigate } from "../lib/router";
import { currentUser } from "../lib/session";
import { formatDateTime, formatFull } from "../lib/time";
import type { Attachment, Comment, HistoryEntry, Org, Priority, RequestType, Ticket, User } from "../lib/types";
import { Alert, Countdown, errorText, Field, PriorityBadge, StatusBadge, useTitle } from "../ui/components";
import { Attachments, Conversation } from "../ui/conversation";
import {
  assignable,
  mayWork,
  nextStatuses,
  orgsCovering,
  queueUrl,
  requestTypes,
  teams,
  usersById,
  type StaffUser,
} from "./data";
import { ShortcutHelp, useShortcuts, type Shortcut } from "./shortcuts";

type Mode = "reply" | "note" | "question";

/** An engineering issue as the API shows it (GET /engineering-issues/{id}). */
interface EngineeringIssue {
  id: number;
  key: string;
  url: string;
  title: string;
  fixed: boolean;
  fixed_at: string | null;
  created_at: string;
  ticket_ids: number[];
}

interface State {
  teamName: string;
  ticket: Ticket;
  comments: Comment[];
  history: HistoryEntry[];
  attachments: Attachment[];
  /** The issues linked to the ticket; null when they could not be loaded (issuesError says why). */
  issues: EngineeringIssue[] | null;
  issuesError: unknown;
  org: Org | null;
  type: RequestType | undefined;
  users: Map<number, StaffUser>;
}

type Notice = { kind: "success" | "error" | "warning" | "info"; text: string };

async function loadOrg(id: number): Promise<Org | null> {
  try {
    return (await orgsCovering([id])).get(id) ?? null;
  } catch {
    try {
      return (await api.get<Org>(`/orgs/${id}`)).data;
    } catch {
      return null;
    }
  }
}

export function TicketView(props: { id: number }) {
  const { id } = props;
  const me = currentUser()!;
  useLanguage();
  const [state, setState] = useState<State | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [mode, setMode] = useState<Mode>("reply");
  const [help, setHelp] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const statusRef = useRef<HTMLSelectElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const n = ++seq.current;
    try {
      const [tr, cr, hr, ar, links] = await Promise.all([
        api.get<Ticket>(`/tickets/${id}`),
        api.get<{ items: Comment[] }>(`/tickets/${id}/comments`),
        api.get<{ items: HistoryEntry[] }>(`/tickets/${id}/history`),
        api.get<{ items: Attachment[] }>(`/tickets/${id}/attachments`).catch(() => ({ data: { items: [] as Attachment[] } })),
        // The rest of the ticket stays usable when only its links fail to load.
        api.get<{ items: EngineeringIssue[] }>(`/tickets/${id}/engineering-links`).then(
          (r) => ({ items: r.data.items as EngineeringIssue[] | null, error: null as unknown }),
          (e: unknown) => ({ items: null, error: e }),
        ),
      ]);
      const tk = tr.data;
      const [org, types, teamList, users] = await Promise.all([
        loadOrg(tk.org_id),
        requestTypes().catch(() => new Map<string, RequestType>()),
        teams().catch(() => []),
        usersById([
          tk.requester_id,
          tk.assignee_id,
          ...hr.data.items.map((h) => h.actor_id),
          ...hr.data.items.filter((h) => h.field === "assignee_id").flatMap((h) => [Number(h.from), Number(h.to)]),
        ]),
      ]);
      if (n !== seq.current) return;
      setState({
        teamName: pick(teamList.find((x) => x.key === tk.team), "name") || (tk.team ?? ""),
        ticket: tk,
        comments: cr.data.items,
        history: hr.data.items,
        attachments: ar.data.items,
        issues: links.items,
        issuesError: links.error,
        org,
        type: types.get(tk.request_type),
        users,
      });
      setError(null);
    } catch (e) {
      if (n === seq.current) setError(e);
    }
  }, [id]);

  useEffect(() => {
    load();
  }, [load]);

  // Focus the heading once the ticket shows, so a screen reader starts there.
  const focused = useRef(false);
  useEffect(() => {
    if (state && !focused.current) {
      focused.current = true;
      headingRef.current?.focus();
    }
  }, [state]);

  const timer = useRef<number | undefined>(undefined);
  useTicketEvents((e) => {
    if (e && e.id !== id) return;
    clearTimeout(timer.current);
    timer.current = window.setTimeout(load, 300);
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const tk = state?.ticket;
  useTitle(tk ? `#${tk.id} ${tk.subject}` : t("agent.ticket.doc_title", { id }));
  const canWork = !!tk && mayWork(me, tk);

  const conflict = useCallback(async () => {
    await load();
    setNotice({ kind: "warning", text: t("agent.ticket.conflict") });
  }, [load]);

  const changed = useCallback(
    (fresh: Ticket | null, text: string) => {
      if (fresh) setState((s) => (s ? { ...s, ticket: fresh } : s));
      setNotice({ kind: "success", text });
      load();
    },
    [load],
  );

  async function assignToMe() {
    if (!tk || assigning) return;
    if (!canWork) {
      setNotice({ kind: "error", text: t("agent.ticket.not_your_team", { team: state?.teamName ?? "" }) });
      return;
    }
    if (tk.assignee_id === me.id) {
      setNotice({ kind: "info", text: t("agent.props.already_yours") });
      return;
    }
    setAssigning(true);
    try {
      const { data } = await api.patch<Ticket>(`/tickets/${tk.id}`, { assignee_id: me.id }, { ifMatch: tk.version });
      changed(data, t("agent.props.assigned_to_you"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) conflict();
      else setNotice({ kind: "error", text: t("agent.props.save_failed", { message: errorText(e) }) });
    } finally {
      setAssigning(false);
    }
  }

  function compose(m: Mode) {
    setMode(m);
    bodyRef.current?.focus();
  }

  function back() {
    navigate(queueUrl());
  }

  useShortcuts({
    r: (e) => {
      e.preventDefault();
      compose("reply");
    },
    n: (e) => {
      e.preventDefault();
      compose("note");
    },
    q: (e) => {
      e.preventDefault();
      compose("question");
    },
    a: (e) => {
      e.preventDefault();
      assignToMe();
    },
    s: (e) => {
      e.preventDefault();
      statusRef.current?.focus();
    },
    e: back,
    Escape: back,
    "?": (e) => {
      e.preventDefault();
      setHelp(true);
    },
  });

  const shortcuts: Shortcut[] = [
    { keys: ["r"], label: t("agent.keys.reply") },
    { keys: ["n"], label: t("agent.keys.note") },
    { keys: ["q"], label: t("agent.keys.question") },
    { keys: ["Ctrl+Enter"], label: t("agent.keys.send") },
    { keys: ["a"], label: t("agent.keys.assign") },
    { keys: ["s"], label: t("agent.keys.status") },
    { keys: ["e", "Esc"], label: t("agent.keys.back") },
    { keys: ["?"], label: t("agent.keys.help") },
  ];

  if (!state) {
    const gone = error instanceof ApiError && error.status === 404;
    return (
      <section class="page agent-ticket">
        <p>
          <a href={queueUrl()}>← {t("agent.ticket.back")}</a>
        </p>
        {error != null ? (
          <Alert kind="error">
            {gone ? t("agent.ticket.not_found") : t("common.error", { message: errorText(error) })}{" "}
            {!gone && (
              <button type="button" class="link" onClick={() => load()}>
                {t("common.retry")}
              </button>
            )}
          </Alert>
        ) : (
          <p class="muted" aria-busy="true">
            {t("common.loading")}
          </p>
        )}
      </section>
    );
  }

  const ticket = state.ticket;
  return (
    <article class="page agent-ticket" aria-labelledby="ticket-title">
      <div class="t-top">
        <a href={queueUrl()} aria-keyshortcuts="e">
          ← {t("agent.ticket.back")}
        </a>
        <button type="button" class="button-quiet" onClick={() => setHelp(true)} aria-keyshortcuts="?">
          {t("agent.keys.button")}
        </button>
      </div>
      <header class={"t-head" + (ticket.priority === "emergency" ? " t-head-emergency" : "")}>
        <div class="t-title">
          <h1 id="ticket-title" ref={headingRef} tabIndex={-1}>
            <span class="t-num">#{ticket.id}</span> {ticket.subject}
          </h1>
          <p class="t-badges">
            <PriorityBadge priority={ticket.priority} /> <StatusBadge status={ticket.status} />{" "}
            <span class="muted">
              {pick(state.type, "name") || ticket.request_type}
              {state.org && <> · {state.org.name}</>}
              {state.teamName && <> · {state.teamName}</>}
            </span>
          </p>
        </div>
        <div class="t-sla" data-testid="ticket-sla">
          <span class="t-sla-label">{t("agent.ticket.first_response")}</span>
          <Countdown ticket={ticket} />
          {ticket.first_response_at ? (
            <span class="muted t-sla-when">{formatDateTime(ticket.first_response_at)}</span>
          ) : (
            ticket.first_response_due_at && (
              <span class="muted t-sla-when">{t("agent.ticket.due_at", { time: formatFull(ticket.first_response_due_at) })}</span>
            )
          )}
        </div>
      </header>
      {ticket.priority === "emergency" && (
        <div class="t-emergency" role="note">
          <strong>{t("agent.ticket.emergency")}</strong>{" "}
          {ticket.emergency_criteria.map((c) => t("agent.criteria." + c)).join(" · ")}
          {ticket.emergency_phone && (
            <>
              {" · "}
              {t("agent.ticket.call")} <a href={`tel:${ticket.emergency_phone.replace(/[^\d+]/g, "")}`}>{ticket.emergency_phone}</a>
            </>
          )}
        </div>
      )}
      <div role="status" class="t-notice">
        {notice && (
          <div class={"alert alert-" + notice.kind}>
            {notice.text}{" "}
            <button type="button" class="link" onClick={() => setNotice(null)}>
              {t("agent.ticket.dismiss")}
            </button>
          </div>
        )}
      </div>
      {!canWork && <Alert kind="info">{t("agent.ticket.not_your_team", { team: state.teamName })}</Alert>}
      <div class="split">
        <div class="t-main">
          <RequestDetails state={state} />
          <section class="t-conversation" aria-labelledby="conv-title">
            <h2 id="conv-title">{t("agent.ticket.conversation")}</h2>
            <Conversation comments={state.comments} />
            <Attachments items={state.attachments} />
          </section>
          {canWork && (
            <Composer
              ticket={ticket}
              mode={mode}
              setMode={setMode}
              bodyRef={bodyRef}
              onSent={(text) => changed(null, text)}
              onConflict={conflict}
            />
          )}
        </div>
        <aside class="t-side" aria-label={t("agent.ticket.side")}>
          <Properties
            ticket={ticket}
            me={me}
            canWork={canWork}
            users={state.users}
            statusRef={statusRef}
            assigning={assigning}
            onAssignMe={assignToMe}
            onSaved={(fresh, text) => changed(fresh, text)}
            onConflict={conflict}
          />
          <Completeness ticket={ticket} />
          <Engineering
            ticket={ticket}
            issues={state.issues}
            issuesError={state.issuesError}
            canWork={canWork}
            onLinked={(text) => changed(null, text)}
            onRetry={load}
          />
          <History history={state.history} users={state.users} />
        </aside>
      </div>
      <ShortcutHelp open={help} onClose={() => setHelp(false)} shortcuts={shortcuts} />
    </article>
  );
}

// ---- the request ------------------------------------------------------------------

function RequestDetails({ state }: { state: State }) {
  const tk = state.ticket;
  const requester = state.users.get(tk.requester_id);
  const rows: [string, ComponentChildren][] = [];
  const add = (key: string, value: ComponentChildren, when: unknown = value) => {
    if (when !== null && when !== undefined && when !== "" && !(Array.isArray(when) && when.length === 0))
      rows.push([t("agent.field." + key), value]);
  };
  add("request_type", pick(state.type, "name") || tk.request_type);
  add("org", state.org?.name ?? `#${tk.org_id}`);
  add(
    "requester",
    requester ? (
      <>
        {requester.name} · <a href={`mailto:${requester.email}`}>{requester.email}</a>
        {requester.language && <span class="muted"> · {t("lang." + requester.language)}</span>}
      </>
    ) : (
      `#${tk.requester_id}`
    ),
  );
  add("member_id", tk.member_id);
  add(
    "object_ids",
    <ul class="plain">
      {tk.object_ids.map((o) => (
        <li key={o.type + o.id}>
          <span class="muted">{o.type}</span> <code>{o.id}</code>
        </li>
      ))}
    </ul>,
    tk.object_ids,
  );
  add(
    "urls",
    <ul class="plain">
      {tk.urls.map((u) => (
        <li key={u}>
          <a href={u} target="_blank" rel="noopener noreferrer">
            {u}
          </a>
        </li>
      ))}
    </ul>,
    tk.urls,
  );
  add("browser", tk.browser);
  add("os", tk.os);
  add("impact", <span class="pre">{tk.impact}</span>, tk.impact);
  add("steps", <span class="pre">{tk.steps}</span>, tk.steps);
  add("business_justification", <span class="pre">{tk.business_justification}</span>, tk.business_justification);
  if (tk.priority === "emergency") {
    add("emergency_criteria", tk.emergency_criteria.map((c) => t("agent.criteria." + c)).join(", "), tk.emergency_criteria);
    add("emergency_phone", tk.emergency_phone);
  }
  add("created_at", <time dateTime={tk.created_at}>{formatDateTime(tk.created_at)}</time>);
  return (
    <section class="card t-request" aria-labelledby="request-title">
      <h2 id="request-title">{t("agent.ticket.request")}</h2>
      <div class="t-description pre">{tk.description}</div>
      <dl class="details">
        {rows.map(([k, v]) => (
          <div class="details-row" key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Completeness({ ticket }: { ticket: Ticket }) {
  const { percent, missing } = ticket.completeness;
  return (
    <section class="card t-completeness" aria-labelledby="complete-title">
      <h2 id="complete-title">{t("agent.complete.title")}</h2>
      <p class="t-percent">
        <strong>{percent}%</strong> <span class="muted">{t("agent.complete.of_recommended")}</span>
      </p>
      <div class="meter" aria-hidden="true">
        <span style={{ width: `${Math.max(0, Math.min(100, percent))}%` }} />
      </div>
      {missing.length > 0 ? (
        <>
          <p class="t-missing-label">{t("agent.complete.missing")}</p>
          <ul class="t-missing">
            {missing.map((m) => (
              <li key={m}>{t("agent.field." + m)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p class="muted">{t("agent.complete.all")}</p>
      )}
    </section>
  );
}

// ---- the composer -------------------------------------------------------------------

function draftKey(id: number) {
  return `agent-draft-${id}`;
}

function Composer(props: {
  ticket: Ticket;
  mode: Mode;
  setMode: (m: Mode) => void;
  bodyRef: { current: HTMLTextAreaElement | null };
  onSent: (text: string) => void;
  onConflict: () => void;
}) {
  const { ticket, mode } = props;
  const [body, setBody] = useState(() => sessionStorage.getItem(draftKey(ticket.id)) ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  useEffect(() => {
    if (body) sessionStorage.setItem(draftKey(ticket.id), body);
    else sessionStorage.removeItem(draftKey(ticket.id));
  }, [body, ticket.id]);

  async function send() {
    if (busy) return;
    if (!body.trim()) {
      setError(t("agent.composer.empty"));
      props.bodyRef.current?.focus();
      return;
    }
    setBusy(true);
    setError("");
    try {
      await api.post(`/tickets/${ticket.id}/comments`, { kind: mode, body });
      setBody("");
      props.onSent(t("agent.composer.sent_" + mode));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) props.onConflict();
      setError(e instanceof ApiError ? (e.field("body") ?? e.field("kind") ?? e.message) : errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const modes: Mode[] = ["reply", "note", "question"];
  const keys: Record<Mode, string> = { reply: "r", note: "n", question: "q" };
  return (
    <section class={"composer composer-" + mode} aria-labelledby="composer-title" data-mode={mode}>
      <h2 id="composer-title">{t("agent.composer.title")}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <fieldset class="composer-modes">
          <legend>{t("agent.composer.kind")}</legend>
          {modes.map((m) => (
            <label key={m} class={"mode mode-" + m}>
              <input
                type="radio"
                name="composer-mode"
                value={m}
                checked={mode === m}
                aria-keyshortcuts={keys[m]}
                onChange={() => props.setMode(m)}
              />
              <span>
                {t("agent.composer.mode_" + m)} <kbd>{keys[m]}</kbd>
              </span>
            </label>
          ))}
        </fieldset>
        <p class="composer-banner" id="composer-banner">
          {t("agent.composer.banner_" + mode)}
        </p>
        <div class={"field" + (error ? " field-invalid" : "")}>
          <label for="composer-body">{t("agent.composer.label_" + mode)}</label>
          <textarea
            id="composer-body"
            ref={props.bodyRef}
            name="body"
            rows={6}
            value={body}
            aria-describedby={"composer-banner" + (error ? " composer-error" : "")}
            aria-invalid={error ? "true" : undefined}
            onInput={(e) => setBody(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                send();
              } else if (e.key === "Escape") {
                e.currentTarget.blur();
              }
            }}
          />
          {error && (
            <p class="error" id="composer-error">
              {error}
            </p>
          )}
        </div>
        <div class="actions">
          <button type="submit" class={"composer-send send-" + mode} disabled={busy} aria-keyshortcuts="Control+Enter">
            {busy ? t("agent.composer.sending") : t("agent.composer.send_" + mode)}
          </button>
          <span class="muted composer-hint">{t("agent.composer.hint")}</span>
        </div>
      </form>
    </section>
  );
}

// ---- properties --------------------------------------------------------------------

interface Edit {
  status?: string;
  priority?: string;
  reason?: string;
  assignee?: string;
}

function Properties(props: {
  ticket: Ticket;
  me: User;
  canWork: boolean;
  users: Map<number, StaffUser>;
  statusRef: { current: HTMLSelectElement | null };
  assigning: boolean;
  onAssignMe: () => void;
  onSaved: (t: Ticket, text: string) => void;
  onConflict: () => void;
}) {
  const { ticket, me } = props;
  const [edit, setEdit] = useState<Edit>({});
  /** The version the edit started from: a save against a newer ticket is a conflict. */
  const [base, setBase] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [other, setOther] = useState("");
  const [reasonError, setReasonError] = useState("");
  const [people, setPeople] = useState<StaffUser[] | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    assignable(ticket.team).then(setPeople, () => setPeople([]));
  }, [ticket.team]);

  const status = edit.status ?? ticket.status;
  const priority = edit.priority ?? ticket.priority;
  const reason = edit.reason ?? "";
  const assignee = edit.assignee ?? (ticket.assignee_id ? String(ticket.assignee_id) : "");
  const downgrade = ticket.priority === "emergency" && priority === "standard";
  const dirty =
    status !== ticket.status ||
    priority !== ticket.priority ||
    assignee !== (ticket.assignee_id ? String(ticket.assignee_id) : "");

  function change(patch: Edit) {
    if (base === null) setBase(ticket.version);
    setEdit((e) => ({ ...e, ...patch }));
    setError(null);
    setOther("");
    if (patch.reason !== undefined) setReasonError("");
  }

  function reset() {
    setEdit({});
    setBase(null);
    setReasonError("");
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!dirty || busy) return;
    const body: Record<string, unknown> = {};
    if (status !== ticket.status) body.status = status;
    if (priority !== ticket.priority) {
      body.priority = priority;
      if (downgrade && !reason.trim()) {
        setReasonError(t("agent.props.reason_required"));
        reasonRef.current?.focus();
        return;
      }
      if (reason.trim()) body.priority_reason = reason.trim();
    }
    if (assignee !== (ticket.assignee_id ? String(ticket.assignee_id) : "")) body.assignee_id = assignee ? Number(assignee) : null;
    setBusy(true);
    setError(null);
    setOther("");
    try {
      const { data } = await api.patch<Ticket>(`/tickets/${ticket.id}`, body, { ifMatch: base ?? ticket.version });
      reset();
      props.onSaved(data, t("agent.props.saved"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        reset();
        props.onConflict();
      } else if (err instanceof ApiError) {
        setError(err);
        if (!err.fields.length) setOther(err.message);
      } else setOther(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const options = [ticket.status, ...nextStatuses(ticket.status)];
  const list = people ?? [];
  const names = new Map<number, string>(list.map((u) => [u.id, u.name]));
  if (ticket.assignee_id && !names.has(ticket.assignee_id))
    names.set(ticket.assignee_id, props.users.get(ticket.assignee_id)?.name ?? `#${ticket.assignee_id}`);
  if (props.canWork && !names.has(me.id)) names.set(me.id, me.name);
  const choices = [...names.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const disabled = !props.canWork;
  const assigneeName = ticket.assignee_id ? names.get(ticket.assignee_id) : "";

  return (
    <section class="card t-props" aria-labelledby="props-title">
      <h2 id="props-title">{t("agent.props.title")}</h2>
      <p class="t-assignee">
        <span class="muted">{t("agent.props.assignee_now")}</span>{" "}
        <strong data-testid="assignee">{assigneeName || t("agent.queue.unassigned_short")}</strong>
      </p>
      {props.canWork && ticket.assignee_id !== me.id && (
        <button type="button" class="t-assign-me" onClick={props.onAssignMe} disabled={props.assigning} aria-keyshortcuts="a">
          {props.assigning ? t("agent.props.assigning") : t("agent.props.assign_me")} <kbd>a</kbd>
        </button>
      )}
      <form onSubmit={save} class="t-props-form">
        <Field label={t("agent.props.status")} error={error?.field("status")}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              ref={props.statusRef}
              value={status}
              disabled={disabled || options.length < 2}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              aria-keyshortcuts="s"
              onChange={(e) => change({ status: e.currentTarget.value })}
            >
              {options.map((s) => (
                <option key={s} value={s}>
                  {t("status." + s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {ticket.status === "new" && <p class="hint t-hint">{t("agent.props.new_hint")}</p>}
        {ticket.kind === "routed" && (
          <Field label={t("agent.props.priority")} error={error?.field("priority")}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                value={priority}
                disabled={disabled}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(e) => change({ priority: e.currentTarget.value as Priority })}
              >
                <option value="standard">{t("priority.standard")}</option>
                <option value="emergency">{t("priority.emergency")}</option>
              </select>
            )}
          </Field>
        )}
        {downgrade && (
          <Field
            label={t("agent.props.reason")}
            hint={t("agent.props.reason_hint")}
            error={reasonError || error?.field("priority_reason")}
            level="required"
          >
            {({ id, describedBy, invalid }) => (
              <textarea
                id={id}
                ref={reasonRef}
                rows={3}
                value={reason}
                aria-required="true"
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => change({ reason: e.currentTarget.value })}
              />
            )}
          </Field>
        )}
        <Field label={t("agent.props.assignee")} error={error?.field("assignee_id")}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              value={assignee}
              disabled={disabled}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(e) => change({ assignee: e.currentTarget.value })}
            >
              <option value="">{t("agent.queue.unassigned_short")}</option>
              {choices.map(([uid, name]) => (
                <option key={uid} value={String(uid)}>
                  {uid === me.id ? t("agent.props.me", { name }) : name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {other && <p class="error">{other}</p>}
        <div class="actions">
          <button type="submit" class="button-primary" disabled={disabled || !dirty || busy}>
            {busy ? t("agent.props.saving") : t("agent.props.save")}
          </button>
          {dirty && (
            <button type="button" class="button-quiet" onClick={reset} disabled={busy}>
              {t("common.cancel")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

// ---- engineering -------------------------------------------------------------------
//
// Many tickets share one engineering issue, and its fix resolves them all, so
// the form takes a key and links the issue recorded under it; only a key not
// recorded yet makes a new issue (with the title and URL). As the key is
// typed the form says which of the two will happen, and the notice after
// linking says which did.

/** The API's limit on a key, in bytes. */
const KEY_MAX_BYTES = 64;

function keyFits(key: string): boolean {
  return key.length > 0 && new TextEncoder().encode(key).length <= KEY_MAX_BYTES;
}

/** The issue recorded under exactly KEY, or null when there is none. */
async function findIssue(key: string, signal?: AbortSignal): Promise<EngineeringIssue | null> {
  const { data } = await api.get<{ items: EngineeringIssue[] }>(`/engineering-issues?key=${encodeURIComponent(key)}`, { signal });
  return data.items.find((i) => i.key === key) ?? null;
}

/** Only web links are rendered as links (the API accepts no other scheme either). */
function webUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** What a typed key names: its issue, or null when it is not recorded. */
interface Lookup {
  key: string;
  issue: EngineeringIssue | null;
}

function IssueList(props: { issues: EngineeringIssue[] }) {
  return (
    <ul class="plain t-issues" aria-label={t("agent.eng.linked_list")}>
      {props.issues.map((i) => (
        <li key={i.id} data-issue={i.key}>
          {i.url && webUrl(i.url) ? (
            <a href={i.url} target="_blank" rel="noopener noreferrer">
              <strong>{i.key}</strong>
            </a>
          ) : (
            <strong>{i.key}</strong>
          )}
          {i.title && <span class="t-issue-title">{i.title}</span>}
          {i.fixed ? (
            <span class="badge status-resolved" title={i.fixed_at ? formatFull(i.fixed_at) : undefined}>
              {t("agent.eng.fixed")}
            </span>
          ) : (
            <span class="badge status-pending_engineering">{t("agent.eng.not_fixed")}</span>
          )}
          {i.ticket_ids.length > 1 && <span class="muted">{t("agent.eng.shared", { count: i.ticket_ids.length - 1 })}</span>}
        </li>
      ))}
    </ul>
  );
}

function Engineering(props: {
  ticket: Ticket;
  issues: EngineeringIssue[] | null;
  issuesError: unknown;
  canWork: boolean;
  onLinked: (text: string) => void;
  onRetry: () => void;
}) {
  const { ticket, issues } = props;
  const [key, setKey] = useState("");
  const [title, setTitle] = useState("");
  const [url, setUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [keyError, setKeyError] = useState("");
  const [other, setOther] = useState("");
  const [open, setOpen] = useState(false);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const k = key.trim();

  useEffect(() => {
    if (open) keyRef.current?.focus();
  }, [open]);

  // Look the key up once typing pauses; a newer key cancels the older lookup.
  useEffect(() => {
    if (!open || !keyFits(k)) return;
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      findIssue(k, ctl.signal).then(
        (issue) => setLookup({ key: k, issue }),
        () => {}, // the form still works: submitting looks again
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [k, open]);
  // Undefined until the key as it is now has been looked up.
  const known = lookup && lookup.key === k ? lookup.issue : undefined;
  const here = !!known && known.ticket_ids.includes(ticket.id);

  function close() {
    setKey("");
    setTitle("");
    setUrl("");
    setLookup(null);
    setError(null);
    setKeyError("");
    setOther("");
    setOpen(false);
    requestAnimationFrame(() => addRef.current?.focus());
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setKeyError("");
    setOther("");
    if (!keyFits(k)) {
      setKeyError(t(k ? "agent.eng.key_long" : "agent.eng.key_required"));
      keyRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      // Look again: what the form showed may be a moment old.
      let issue = await findIssue(k);
      let created = false;
      if (!issue) {
        try {
          const body = { key: k, title: title.trim() || undefined, url: url.trim() || undefined };
          issue = (await api.post<EngineeringIssue>("/engineering-issues", body)).data;
          created = true;
        } catch (err) {
          // A colleague recorded the key meanwhile: link theirs.
          const taken = err instanceof ApiError && err.status === 422 && err.fields.length === 1 && !!err.field("key");
          issue = taken ? await findIssue(k) : null;
          if (!issue) throw err;
        }
      }
      setLookup({ key: k, issue });
      if (issue.fixed) {
        setKeyError(t("agent.eng.exists_fixed", { key: issue.key }));
        keyRef.current?.focus();
        return;
      }
      let text: string;
      if (issue.ticket_ids.includes(ticket.id)) {
        text = t("agent.eng.already_here", { key: issue.key });
      } else {
        const { data } = await api.post<EngineeringIssue>(`/tickets/${ticket.id}/engineering-links`, { issue_id: issue.id });
        text = created
          ? t("agent.eng.created_linked", { key: data.key })
          : t("agent.eng.linked_existing", { key: data.key, count: data.ticket_ids.length });
      }
      close();
      props.onLinked(text);
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err);
        if (!err.fields.length) setOther(err.message);
      } else setOther(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  let lookupText = "";
  if (known === null) lookupText = t("agent.eng.is_new", { key: k });
  else if (known)
    lookupText = known.fixed
      ? t("agent.eng.exists_fixed", { key: known.key })
      : here
        ? t("agent.eng.already_here", { key: known.key })
        : t("agent.eng.exists", { key: known.key, count: known.ticket_ids.length });

  return (
    <section class="card t-eng" aria-labelledby="eng-title">
      <h2 id="eng-title">{t("agent.eng.title")}</h2>
      {issues === null ? (
        <p class="error">
          {t("agent.eng.load_failed", { message: errorText(props.issuesError) })}{" "}
          <button type="button" class="link" onClick={props.onRetry}>
            {t("common.retry")}
          </button>
        </p>
      ) : issues.length === 0 ? (
        <p class="muted">{t("agent.eng.none")}</p>
      ) : (
        <IssueList issues={issues} />
      )}
      {props.canWork && !open && (
        <button type="button" ref={addRef} onClick={() => setOpen(true)}>
          {t("agent.eng.add")}
        </button>
      )}
      {props.canWork && open && (
        <form id="eng-form" onSubmit={submit} class="t-eng-form">
          <Field
            label={t("agent.eng.key")}
            hint={t("agent.eng.key_hint")}
            error={keyError || error?.field("key") || error?.field("issue_id")}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                ref={keyRef}
                value={key}
                required
                autoComplete="off"
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  setKey(e.currentTarget.value);
                  setKeyError("");
                }}
              />
            )}
          </Field>
          <p class="hint t-eng-lookup" role="status" data-testid="eng-lookup">
            {lookupText}
            {known?.title && (
              <>
                {" "}
                <q>{known.title}</q>
              </>
            )}
          </p>
          {!known && (
            <>
              <Field label={t("agent.eng.issue_title")} error={error?.field("title")}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    value={title}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onInput={(e) => setTitle(e.currentTarget.value)}
                  />
                )}
              </Field>
              <Field label={t("agent.eng.url")} error={error?.field("url")}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    type="url"
                    value={url}
                    placeholder="https://"
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onInput={(e) => setUrl(e.currentTarget.value)}
                  />
                )}
              </Field>
            </>
          )}
          {ticket.status === "open" && <p class="hint">{t("agent.eng.parks")}</p>}
          {other && <p class="error">{other}</p>}
          <div class="actions">
            <button type="submit" class="button-primary" disabled={busy || !!known?.fixed}>
              {busy
                ? t("agent.eng.linking")
                : known
                  ? t("agent.eng.submit_existing")
                  : known === null
                    ? t("agent.eng.submit")
                    : t("agent.eng.submit_any")}
            </button>
            <button type="button" class="button-quiet" onClick={close} disabled={busy}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

// ---- history ----------------------------------------------------------------------

function valueText(field: string, v: string | null, users: Map<number, StaffUser>): string {
  if (v === null || v === "") return t("agent.hist.empty");
  switch (field) {
    case "status":
      return t("status." + v);
    case "priority":
      return t("priority." + v);
    case "assignee_id": {
      const u = users.get(Number(v));
      return u ? u.name : `#${v}`;
    }
    case "first_response_due_at":
      return formatDateTime(v);
    default:
      return v;
  }
}

function describe(h: HistoryEntry, users: Map<number, StaffUser>): string {
  const from = valueText(h.field, h.from, users);
  const to = valueText(h.field, h.to, users);
  switch (h.field) {
    case "created":
      return t("agent.hist.created");
    case "engineering_issue":
      return t("agent.hist.engineering", { key: h.to ?? "" });
    case "draft":
      return t("agent.hist.draft", { id: h.to ?? "" });
    case "status":
    case "priority":
    case "assignee_id":
    case "first_response_due_at":
      return t("agent.hist.change", { field: t("agent.hist.field." + h.field), from, to });
    default:
      return t("agent.hist.change", { field: h.field, from, to });
  }
}

function History(props: { history: HistoryEntry[]; users: Map<number, StaffUser> }) {
  const items = [...props.history].reverse();
  return (
    <section class="card t-history" aria-labelledby="history-title">
      <details>
        <summary>
          <h2 id="history-title">
            {t("agent.hist.title")} <span class="muted">({items.length})</span>
          </h2>
        </summary>
        <ol class="plain t-history-list">
          {items.map((h) => (
            <li key={h.id}>
              <time dateTime={h.at} class="muted">
                {formatDateTime(h.at)}
              </time>
              <span class="t-history-who">
                {h.actor_id ? (props.users.get(h.actor_id)?.name ?? `#${h.actor_id}`) : t("agent.hist.system")}
              </span>
              <span class="t-history-what">{describe(h, props.users)}</span>
              {typeof h.note === "string" && h.note && (
                <span class="t-history-note">{t("agent.hist.note", { note: h.note })}</span>
              )}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

