// The queue: the tickets of one view (mine, my teams, unassigned, all),
// filtered and sorted by first-response due time, with live countdowns.
// The URL holds the view and filters so a queue can be shared. Server-Sent
// Events refresh it (debounced); nothing polls.
//
// Rendering 500 rows fast: each row is a component that re-renders only
// when its ticket's version (or what it shows about it) changes; the
// one-second tick reaches only the countdown cells (ui Countdown); the
// selection is a row prop, so j/k re-render two rows.

import { Component } from "preact";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { useTicketEvents } from "../lib/events";
import { language, pick, t, useLanguage } from "../lib/i18n";
import { navigate } from "../lib/router";
import { currentUser } from "../lib/session";
import type { Language, Org, Page, RequestType, Status, Ticket, User } from "../lib/types";
import { Alert, Countdown, errorText, useTitle } from "../ui/components";
import {
  mayWork,
  orgsCovering,
  rememberQueue,
  rememberSelected,
  requestTypes,
  selectedTicket,
  usersById,
  type StaffUser,
} from "./data";
import { ShortcutHelp, useShortcuts, type Shortcut } from "./shortcuts";
import { ACK } from "./strings";

type View = "mine" | "team" | "unassigned" | "all";
const VIEWS: View[] = ["mine", "team", "unassigned", "all"];
const STATUSES: Status[] = ["new", "open", "awaiting_customer", "pending_engineering", "resolved", "closed"];
const LIMIT = 500;

interface Filters {
  view: View;
  /** "" = active (not resolved or closed), "all", or one status. */
  status: string;
  priority: string;
  type: string;
  org: string;
  q: string;
}

function defaultView(u: User): View {
  if (u.role === "agent" || u.role === "lead") return u.teams.length ? "team" : "all";
  if (u.role === "account-rep") return "mine";
  return "all";
}

function views(u: User): View[] {
  return VIEWS.filter((v) => v !== "team" || u.teams.length > 0);
}

function readFilters(q: URLSearchParams, u: User): Filters {
  const v = q.get("view") as View | null;
  const status = q.get("status") ?? "";
  const priority = q.get("priority") ?? "";
  return {
    view: v && views(u).includes(v) ? v : defaultView(u),
    status: status === "all" || STATUSES.includes(status as Status) ? status : "",
    priority: priority === "standard" || priority === "emergency" ? priority : "",
    type: q.get("type") ?? "",
    org: /^\d+$/.test(q.get("org") ?? "") ? q.get("org")! : "",
    q: q.get("q") ?? "",
  };
}

function urlOf(f: Filters, u: User): string {
  return (
    "/agent" +
    query({
      view: f.view === defaultView(u) ? "" : f.view,
      status: f.status,
      priority: f.priority,
      type: f.type,
      org: f.org,
      q: f.q.trim(),
    })
  );
}

/** The GET /tickets requests for F: by default the active ones (status=active), so old closed tickets never crowd out open ones. */
function requests(f: Filters): string[] {
  const base: Record<string, string | number> = { sort: "due", limit: LIMIT };
  if (f.view === "mine") base.assignee_id = "me";
  else if (f.view === "unassigned") base.assignee_id = "none";
  else if (f.view === "team") base.team = "mine";
  if (f.priority) base.priority = f.priority;
  if (f.type) base.request_type = f.type;
  if (f.org) base.org_id = f.org;
  if (f.status === "all") return ["/tickets" + query(base)];
  if (f.status) return ["/tickets" + query({ ...base, status: f.status })];
  return ["/tickets" + query({ ...base, status: "active" })];
}

function dueKey(t: Ticket): number {
  return t.first_response_due_at ? Date.parse(t.first_response_due_at) : Number.MAX_SAFE_INTEGER;
}

function byDue(a: Ticket, b: Ticket): number {
  return dueKey(a) - dueKey(b) || a.id - b.id;
}

interface QueueData {
  tickets: Ticket[];
  more: boolean;
  orgs: Map<number, Org>;
  types: Map<string, RequestType>;
  users: Map<number, StaffUser>;
}

/** Marks END now and measures NAME from START (for bench/web_queue.mjs); never throws. */
function measureSince(start: string, end: string, name: string) {
  try {
    performance.clearMarks(end);
    performance.mark(end);
    if (performance.getEntriesByName(name).length > 200) performance.clearMeasures(name);
    performance.measure(name, start, end);
  } catch {
    /* no start mark: nothing to measure */
  }
}

/** Whether the queue's quick "Acknowledge" applies to T. */
function acknowledgeable(me: User, t: Ticket): boolean {
  return !t.first_response_at && t.status !== "resolved" && t.status !== "closed" && mayWork(me, t);
}

// ---- rows -------------------------------------------------------------------

interface RowProps {
  ticket: Ticket;
  selected: boolean;
  orgName: string;
  typeName: string;
  assignee: string;
  canAck: boolean;
  busy: boolean;
  lang: Language;
  onSelect: (id: number) => void;
  onAck: (id: number) => void;
}

class Row extends Component<RowProps> {
  shouldComponentUpdate(n: RowProps): boolean {
    const p = this.props;
    const a = p.ticket,
      b = n.ticket;
    return (
      p.selected !== n.selected ||
      p.busy !== n.busy ||
      p.canAck !== n.canAck ||
      p.orgName !== n.orgName ||
      p.typeName !== n.typeName ||
      p.assignee !== n.assignee ||
      p.lang !== n.lang ||
      (a !== b &&
        (a.id !== b.id ||
          a.version !== b.version ||
          a.updated_at !== b.updated_at ||
          a.first_response_at !== b.first_response_at ||
          a.first_response_due_at !== b.first_response_due_at ||
          a.sla_warn_at !== b.sla_warn_at))
    );
  }
  render() {
    const { ticket: tk, selected, orgName, typeName, assignee, canAck, busy } = this.props;
    const emergency = tk.priority === "emergency";
    return (
      <div
        role="row"
        data-ticket={tk.id}
        class={"q-r q-row" + (emergency ? " q-emergency" : "") + (selected ? " q-selected" : "")}
        aria-current={selected ? "true" : undefined}
        onClick={() => this.props.onSelect(tk.id)}
        onFocusIn={() => this.props.onSelect(tk.id)}
      >
        <div role="cell" class="q-num">
          #{tk.id}
        </div>
        <div role="cell" class="q-subject">
          <a href={`/agent/tickets/${tk.id}`} class="q-link">
            {tk.subject}
          </a>
        </div>
        <div role="cell" class="q-org">
          {orgName}
        </div>
        <div role="cell" class="q-type">
          {typeName}
        </div>
        <div role="cell">
          {/* The ui badges' markup, inline: two components fewer per row. */}
          <span class={"badge priority-" + tk.priority}>{t("priority." + tk.priority)}</span>
        </div>
        <div role="cell">
          <span class={"badge status-" + tk.status}>{t("status." + tk.status)}</span>
        </div>
        <div role="cell" class={"q-assignee" + (assignee ? "" : " muted")}>
          {assignee || t("agent.queue.unassigned_short")}
        </div>
        <div role="cell" class="q-sla">
          <Countdown ticket={tk} />
        </div>
        <div role="cell" class="q-actions">
          {canAck && (
            <button
              type="button"
              class="button-small"
              disabled={busy}
              aria-label={t("agent.queue.ack_label", { id: tk.id })}
              onClick={(e) => {
                e.stopPropagation();
                this.props.onAck(tk.id);
              }}
            >
              {busy ? t("agent.queue.acking") : t("agent.queue.ack")}
            </button>
          )}
        </div>
      </div>
    );
  }
}

// ---- the queue ----------------------------------------------------------------

export function Queue(props: { query: URLSearchParams }) {
  const me = currentUser()!;
  const lang = useLanguage();
  const f = readFilters(props.query, me);
  const serverKey = requests(f).join(" ");
  const [data, setData] = useState<QueueData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [selected, setSelected] = useState<number | null>(selectedTicket);
  const [busy, setBusy] = useState<Set<number>>(() => new Set());
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [help, setHelp] = useState(false);
  const [text, setText] = useState(f.q);
  const seq = useRef(0);
  const measure = useRef(false);
  const restored = useRef(false);
  const filterRef = useRef<HTMLInputElement>(null);

  useTitle(t("agent.queue.doc_title", { view: t("agent.view." + f.view) }));
  useEffect(() => rememberQueue(location.pathname + location.search));

  const load = useCallback(async () => {
    const n = ++seq.current;
    setRefreshing(true);
    try {
      const [pages, types] = await Promise.all([
        Promise.all(requests(f).map((p) => api.get<Page<Ticket>>(p))),
        requestTypes(),
      ]);
      let tickets = pages.flatMap((p) => p.data.items);
      let more = pages.some((p) => !!p.data.next_cursor);
      if (pages.length > 1) {
        tickets.sort(byDue);
        if (tickets.length > LIMIT) {
          tickets = tickets.slice(0, LIMIT);
          more = true;
        }
      }
      const [orgs, users] = await Promise.all([
        orgsCovering(tickets.map((x) => x.org_id)),
        usersById(tickets.map((x) => x.assignee_id)),
      ]);
      if (n !== seq.current) return;
      performance.clearMarks("queue-data");
      performance.mark("queue-data");
      measure.current = true;
      setData({ tickets, more, orgs, types, users });
      setError(null);
    } catch (e) {
      if (n === seq.current) setError(e);
    } finally {
      if (n === seq.current) setRefreshing(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverKey]);

  useEffect(() => {
    load();
  }, [load]);

  // After the rows are in the DOM: how long rendering the data took.
  useLayoutEffect(() => {
    if (!measure.current) return;
    measure.current = false;
    measureSince("queue-data", "queue-rendered", "queue-render");
    // And once the browser has laid out and painted that frame.
    requestAnimationFrame(() => setTimeout(() => measureSince("queue-data", "queue-painted", "queue-paint"), 0));
    // Back from a ticket: the keyboard picks up where it left off.
    if (!restored.current) {
      restored.current = true;
      if (selectedRef.current != null)
        document.querySelector<HTMLElement>(`.q-row[data-ticket="${selectedRef.current}"] .q-link`)?.focus();
    }
  });

  // Live: any ticket event refreshes the queue, at most every 300 ms.
  const timer = useRef<number | undefined>(undefined);
  useTicketEvents(() => {
    clearTimeout(timer.current);
    timer.current = window.setTimeout(load, 300);
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  // The text filter narrows the loaded rows at once and reaches the URL shortly after.
  // (Only a change from elsewhere, such as Back, replaces what is being typed.)
  const pushed = useRef(f.q);
  useEffect(() => {
    if (f.q !== pushed.current) {
      pushed.current = f.q;
      setText(f.q);
    }
  }, [f.q]);
  useEffect(() => {
    if (text === f.q) return;
    const id = window.setTimeout(() => {
      // Only while the queue is the page shown: a sync that comes due as
      // Enter opens a ticket must not replace the ticket's URL with the queue's.
      if (location.pathname !== "/agent") return;
      pushed.current = text.trim();
      navigate(urlOf({ ...f, q: text }, me), true);
    }, 300);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const rows = useMemo(() => {
    if (!data) return [];
    let list = data.tickets;
    if (!f.status) list = list.filter((x) => x.status !== "resolved" && x.status !== "closed");
    const needle = text.trim().toLowerCase();
    if (needle) {
      const num = needle.replace(/^#/, "");
      list = list.filter(
        (x) =>
          String(x.id) === num ||
          x.subject.toLowerCase().includes(needle) ||
          (data.orgs.get(x.org_id)?.name.toLowerCase().includes(needle) ?? false),
      );
    }
    return list;
  }, [data, text, f.status]);

  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const dataRef = useRef(data);
  dataRef.current = data;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  // Remembered at once: opening the ticket may unmount the queue before effects run.
  const onSelect = useCallback((id: number) => {
    rememberSelected(id);
    setSelected(id);
  }, []);

  const onAck = useCallback(async (id: number) => {
    const d = dataRef.current;
    const tk = d?.tickets.find((x) => x.id === id);
    if (!d || !tk || busyRef.current.has(id)) return;
    if (!acknowledgeable(me, tk)) {
      setMessage({ kind: "error", text: t("agent.queue.ack_not", { id }) });
      return;
    }
    const l: Language = d.orgs.get(tk.org_id)?.language ?? language();
    setBusy((b) => new Set(b).add(id));
    setMessage(null);
    try {
      await api.post(`/tickets/${id}/comments`, { kind: "reply", body: ACK[l] ?? ACK.en });
      const { data: fresh } = await api.get<Ticket>(`/tickets/${id}`);
      setData((cur) => (cur ? { ...cur, tickets: cur.tickets.map((x) => (x.id === id ? fresh : x)) } : cur));
      setMessage({ kind: "success", text: t("agent.queue.acked", { id }) });
    } catch (e) {
      setMessage({ kind: "error", text: t("agent.queue.ack_failed", { id, message: errorText(e) }) });
    } finally {
      setBusy((b) => {
        const n = new Set(b);
        n.delete(id);
        return n;
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function move(delta: number) {
    const list = rowsRef.current;
    if (!list.length) return;
    const i = list.findIndex((x) => x.id === selectedRef.current);
    const next = i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + delta));
    const id = list[next].id;
    onSelect(id);
    document.querySelector<HTMLElement>(`.q-row[data-ticket="${id}"] .q-link`)?.focus();
  }

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    Enter: (e) => {
      const el = e.target as HTMLElement;
      if (el.closest("a, button, summary")) return;
      if (selectedRef.current != null) navigate(`/agent/tickets/${selectedRef.current}`);
    },
    "/": (e) => {
      e.preventDefault();
      filterRef.current?.focus();
    },
    "?": (e) => {
      e.preventDefault();
      setHelp(true);
    },
    c: () => {
      if (selectedRef.current != null) onAck(selectedRef.current);
    },
  });

  function set(patch: Partial<Filters>) {
    navigate(urlOf({ ...f, q: text, ...patch }, me));
  }

  const filtered = !!(f.status || f.priority || f.type || f.org || text.trim());
  const shortcuts: Shortcut[] = [
    { keys: ["j"], label: t("agent.keys.next") },
    { keys: ["k"], label: t("agent.keys.prev") },
    { keys: ["Enter"], label: t("agent.keys.open") },
    { keys: ["c"], label: t("agent.keys.ack") },
    { keys: ["/"], label: t("agent.keys.filter") },
    { keys: ["?"], label: t("agent.keys.help") },
  ];

  return (
    <section class="page agent-queue" aria-labelledby="queue-title">
      <div class="q-head">
        <h1 id="queue-title">{t("agent.queue.title")}</h1>
        <button type="button" class="button-quiet" onClick={() => setHelp(true)} aria-keyshortcuts="?">
          {t("agent.keys.button")}
        </button>
      </div>
      <nav class="q-views" aria-label={t("agent.queue.views")}>
        <ul>
          {views(me).map((v) => (
            <li key={v}>
              <a
                href={urlOf({ ...f, view: v, q: text }, me)}
                aria-current={v === f.view ? "page" : undefined}
              >
                {t("agent.view." + v)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <FilterBar f={f} text={text} setText={setText} set={set} data={data} filterRef={filterRef} filtered={filtered} />
      <div class="q-status">
        <p class="muted q-count">
          {data &&
            (data.more
              ? t("agent.queue.count_more", { count: rows.length, limit: LIMIT })
              : t("agent.queue.count", { count: rows.length }))}
          {refreshing && data && <span class="q-refreshing"> · {t("agent.queue.refreshing")}</span>}
        </p>
        <div role="status" class="q-message">
          {message && <span class={"q-message-" + message.kind}>{message.text}</span>}
        </div>
      </div>
      {error != null && (
        <Alert kind="error">
          {t("agent.queue.load_failed", { message: errorText(error) })}{" "}
          <button type="button" class="link" onClick={() => load()}>
            {t("common.retry")}
          </button>
        </Alert>
      )}
      {!data && !error && (
        <p class="muted" aria-busy="true">
          {t("common.loading")}
        </p>
      )}
      {data && rows.length === 0 && (
        <Empty
          view={f.view}
          filtered={filtered}
          clear={() => {
            setText("");
            navigate(urlOf({ view: f.view, status: "", priority: "", type: "", org: "", q: "" }, me));
          }}
        />
      )}
      {data && rows.length > 0 && (
        <div class="table-wrap q-wrap">
          <div role="table" class="q-table" aria-label={t("agent.queue.caption", { view: t("agent.view." + f.view) })}>
            <div role="rowgroup" class="q-head-group">
              <div role="row" class="q-r q-header">
                <div role="columnheader" class="q-num">{t("agent.col.number")}</div>
                <div role="columnheader">{t("agent.col.subject")}</div>
                <div role="columnheader" class="q-org">{t("agent.col.org")}</div>
                <div role="columnheader" class="q-type">{t("agent.col.type")}</div>
                <div role="columnheader">{t("agent.col.priority")}</div>
                <div role="columnheader">{t("agent.col.status")}</div>
                <div role="columnheader" class="q-assignee">{t("agent.col.assignee")}</div>
                <div role="columnheader">{t("agent.col.due")}</div>
                <div role="columnheader">
                  <span class="visually-hidden">{t("agent.col.actions")}</span>
                </div>
              </div>
            </div>
            <div role="rowgroup" class="q-body">
              {rows.map((tk) => {
                const a = tk.assignee_id ? data.users.get(tk.assignee_id) : undefined;
                return (
                  <Row
                    key={tk.id}
                    ticket={tk}
                    selected={tk.id === selected}
                    orgName={data.orgs.get(tk.org_id)?.name ?? ""}
                    typeName={pick(data.types.get(tk.request_type), "name") || tk.request_type}
                    assignee={a ? a.name : tk.assignee_id ? `#${tk.assignee_id}` : ""}
                    canAck={acknowledgeable(me, tk)}
                    busy={busy.has(tk.id)}
                    lang={lang}
                    onSelect={onSelect}
                    onAck={onAck}
                  />
                );
              })}
            </div>
          </div>
        </div>
      )}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} shortcuts={shortcuts} />
    </section>
  );
}

function FilterBar(props: {
  f: Filters;
  text: string;
  setText: (s: string) => void;
  set: (p: Partial<Filters>) => void;
  data: QueueData | null;
  filterRef: { current: HTMLInputElement | null };
  filtered: boolean;
}) {
  const { f, set } = props;
  const [types, setTypes] = useState<RequestType[]>([]);
  const [orgList, setOrgList] = useState<Org[]>([]);
  useEffect(() => {
    requestTypes().then((m) => setTypes([...m.values()]), () => {});
  }, []);
  useEffect(() => {
    if (props.data) setOrgList([...props.data.orgs.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }, [props.data?.orgs]);
  return (
    <form class="q-filters" role="search" aria-label={t("agent.filters.label")} onSubmit={(e) => e.preventDefault()}>
      <div class="q-filter q-filter-text">
        <label for="q-text">{t("agent.filters.text")}</label>
        <input
          id="q-text"
          ref={props.filterRef}
          type="search"
          value={props.text}
          placeholder={t("agent.filters.text_placeholder")}
          aria-keyshortcuts="/"
          onInput={(e) => props.setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") (e.currentTarget as HTMLInputElement).blur();
          }}
        />
      </div>
      <div class="q-filter">
        <label for="q-status">{t("agent.filters.status")}</label>
        <select id="q-status" value={f.status} onChange={(e) => set({ status: e.currentTarget.value })}>
          <option value="">{t("agent.filters.active")}</option>
          <option value="all">{t("agent.filters.any_status")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t("status." + s)}
            </option>
          ))}
        </select>
      </div>
      <div class="q-filter">
        <label for="q-priority">{t("agent.filters.priority")}</label>
        <select id="q-priority" value={f.priority} onChange={(e) => set({ priority: e.currentTarget.value })}>
          <option value="">{t("agent.filters.any")}</option>
          <option value="emergency">{t("priority.emergency")}</option>
          <option value="standard">{t("priority.standard")}</option>
        </select>
      </div>
      <div class="q-filter">
        <label for="q-type">{t("agent.filters.type")}</label>
        <select id="q-type" value={f.type} onChange={(e) => set({ type: e.currentTarget.value })}>
          <option value="">{t("agent.filters.any")}</option>
          {types.map((rt) => (
            <option key={rt.key} value={rt.key}>
              {pick(rt, "name")}
            </option>
          ))}
        </select>
      </div>
      <div class="q-filter">
        <label for="q-org">{t("agent.filters.org")}</label>
        <select id="q-org" value={f.org} onChange={(e) => set({ org: e.currentTarget.value })}>
          <option value="">{t("agent.filters.any")}</option>
          {orgList.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      {props.filtered && (
        <button
          type="button"
          class="button-quiet q-clear"
          onClick={() => {
            props.setText("");
            set({ status: "", priority: "", type: "", org: "", q: "" });
          }}
        >
          {t("agent.filters.clear")}
        </button>
      )}
    </form>
  );
}

function Empty(props: { view: View; filtered: boolean; clear: () => void }) {
  if (props.filtered)
    return (
      <div class="card q-empty">
        <p>{t("agent.empty.filtered")}</p>
        <button type="button" onClick={props.clear}>
          {t("agent.filters.clear")}
        </button>
      </div>
    );
  return (
    <div class="card q-empty">
      <p>{t("agent.empty." + props.view)}</p>
      {props.view === "mine" && (
        <p>
          <a href="/agent?view=unassigned">{t("agent.empty.pick")}</a>
        </p>
      )}
    </div>
  );
}
