// /portal: the customer's front door. A greeting, the help-center search
// (no articles are published yet, and the box says so), the way to file a
// request (the SPOC) or to reach the SPOC (everyone else), and the
// organization's tickets, live.

import { useEffect, useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { useTicketEvents } from "../lib/events";
import { t, useLanguage } from "../lib/i18n";
import { formatDateTime } from "../lib/time";
import type { Org, Page, Ticket, User } from "../lib/types";
import { Alert, Loading, PriorityBadge, errorText, useLoad, useTitle } from "../ui/components";
import { type Catalog, type Draft, firstName, isOpen, isSpoc, loadCatalog, loadDrafts, loadOrg, typeName, userName } from "./data";
import { PersonLine, SpocCard } from "./spoc";

type Show = "open" | "done" | "all";

export function Home(props: { user: User; query: URLSearchParams }) {
  useLanguage();
  useTitle(t("portal.home.title"));
  const state = useLoad(async () => {
    const [org, cat] = await Promise.all([loadOrg(props.user), loadCatalog()]);
    return { org, cat };
  }, [props.user.id]);
  return (
    <section class="page portal">
      <Loading state={state}>{({ org, cat }) => <HomeContent user={props.user} org={org} cat={cat} query={props.query} />}</Loading>
    </section>
  );
}

function HomeContent({ user, org, cat, query: q }: { user: User; org: Org; cat: Catalog; query: URLSearchParams }) {
  const spoc = isSpoc(org, user);
  const initial = q.get("show");
  const [show, setShow] = useState<Show>(initial === "done" || initial === "all" ? initial : "open");
  const [pages, setPages] = useState<Ticket[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const first = useLoad(async () => {
    const { data } = await api.get<Page<Ticket>>("/tickets" + query({ limit: 100 }));
    setPages([]);
    setCursor(data.next_cursor);
    return data.items;
  }, []);
  useTicketEvents((e) => {
    if (!e || e.org_id === org.id) first.reload();
  });
  async function loadMore() {
    if (!cursor) return;
    setMore(true);
    try {
      const { data } = await api.get<Page<Ticket>>("/tickets" + query({ limit: 100, cursor }));
      setPages((p) => [...p, data.items]);
      setCursor(data.next_cursor);
    } finally {
      setMore(false);
    }
  }
  const all = [...(first.data ?? []), ...pages.flat()];
  const waiting = all.filter((x) => x.status === "awaiting_customer");

  return (
    <>
      <div class="portal-hero">
        <div>
          <h1>{t("portal.home.hello", { name: firstName(user.name) })}</h1>
          <p class="lede">{t("portal.home.sub", { org: org.name })}</p>
        </div>
        <HelpSearch />
      </div>

      {waiting.length > 0 && (
        <Alert kind="warning">
          <strong>{t("portal.home.waiting", { count: waiting.length })}</strong>{" "}
          {waiting.slice(0, 3).map((x, i) => (
            <span key={x.id}>
              {i > 0 && ", "}
              <a href={`/portal/tickets/${x.id}`}>
                #{x.id} {x.subject}
              </a>
            </span>
          ))}
        </Alert>
      )}

      <div class="portal-split">
        <aside class="portal-cta" aria-label={t("portal.home.aside")}>
          {spoc ? (
            <div class="card cta-card">
              <h2>{t("portal.home.cta_title")}</h2>
              <p>{t("portal.home.cta_text")}</p>
              <a class="button button-primary button-large" href="/portal/new">
                {t("portal.home.cta")}
              </a>
              <p class="hint">{t("portal.home.cta_emergency")}</p>
            </div>
          ) : (
            <SpocCard org={org} user={user} headingLevel={2} />
          )}
          <Drafts spoc={spoc} org={org} cat={cat} returned={q.get("returned")} />
        </aside>
        <section aria-labelledby="tickets-title" class="portal-tickets">
          <div class="section-head">
            <h2 id="tickets-title">{t("portal.home.tickets")}</h2>
            <div class="segmented" role="group" aria-label={t("portal.home.filter")}>
              {(["open", "done", "all"] as Show[]).map((s) => (
                <button
                  key={s}
                  type="button"
                  aria-pressed={show === s}
                  onClick={() => {
                    setShow(s);
                    history.replaceState(null, "", s === "open" ? "/portal" : "/portal?show=" + s);
                  }}
                >
                  {t("portal.home.show_" + s)}
                  {first.data && (
                    <span class="count">
                      {" "}
                      {all.filter((x) => s === "all" || (s === "open") === isOpen(x.status)).length}
                    </span>
                  )}
                </button>
              ))}
            </div>
          </div>
          <Loading state={first}>
            {() => (
              <TicketTable
                tickets={all.filter((x) => show === "all" || (show === "open") === isOpen(x.status))}
                total={all.length}
                show={show}
                cat={cat}
                spoc={spoc}
                org={org}
              />
            )}
          </Loading>
          {first.error && first.data ? <Alert kind="error">{errorText(first.error)}</Alert> : null}
          {cursor && (
            <div class="actions">
              <button type="button" class="button" onClick={loadMore} disabled={more} aria-busy={more}>
                {more ? t("common.loading") : t("portal.home.more")}
              </button>
            </div>
          )}
        </section>

        <aside class="portal-contacts" aria-labelledby="contacts-title">
          <div class="card contacts-card">
            <h2 id="contacts-title">{t("portal.home.contacts")}</h2>
            {org.spoc && (
              <>
                <h3 class="small-heading">{t("portal.home.spoc_label")}</h3>
                {spoc ? <p class="muted">{t("portal.home.you_are_spoc")}</p> : <PersonLine person={org.spoc} subject={org.name} />}
              </>
            )}
            {org.account_rep && (
              <>
                <h3 class="small-heading">{t("portal.home.rep_label")}</h3>
                <PersonLine person={org.account_rep} subject={org.name} />
                <p class="hint">{t("portal.home.rep_hint")}</p>
              </>
            )}
            <h3 class="small-heading">{t("portal.home.ids_label")}</h3>
            <dl class="details">
              <dt>{t("portal.field.member_id")}</dt>
              <dd>{org.member_id}</dd>
              {org.bidder_ids.length > 0 && (
                <>
                  <dt>{t("portal.field.bidder_ids")}</dt>
                  <dd>{org.bidder_ids.join(", ")}</dd>
                </>
              )}
            </dl>
          </div>
        </aside>
      </div>
    </>
  );
}

/** The help center's search box. No articles exist yet; it says so plainly. */
function HelpSearch() {
  const [q, setQ] = useState("");
  const [result, setResult] = useState("");
  return (
    <form
      class="help-search"
      role="search"
      aria-labelledby="help-search-label"
      onSubmit={(e) => {
        e.preventDefault();
        setResult(q.trim() ? t("portal.search.none_for", { q: q.trim() }) : t("portal.search.none"));
      }}
    >
      <label id="help-search-label" for="help-search" class="help-search-label">
        {t("portal.search.label")}
      </label>
      <div class="help-search-row">
        <input
          id="help-search"
          type="search"
          value={q}
          placeholder={t("portal.search.placeholder")}
          aria-describedby="help-search-note"
          onInput={(e) => {
            setQ(e.currentTarget.value);
            setResult("");
          }}
        />
        <button type="submit" class="button">
          {t("portal.search.submit")}
        </button>
      </div>
      <p id="help-search-note" class="hint">
        {t("portal.search.note")}
      </p>
      <p role="status" class="help-search-result">
        {result}
      </p>
    </form>
  );
}

export function portalStatus(status: string): string {
  return t("portal.status." + status);
}

export function PortalStatus({ status }: { status: string }) {
  return <span class={"badge status-" + status}>{portalStatus(status)}</span>;
}

/** "Responded", "by Mon 24 Nov, 10:00", or the account rep. */
export function responseText(x: Ticket): string {
  if (x.first_response_at) return t("portal.response.responded");
  if (x.kind === "account") return t("portal.response.account");
  if (x.status === "resolved" || x.status === "closed") return "—";
  if (x.first_response_due_at) return t("portal.response.by", { due: formatDateTime(x.first_response_due_at) });
  return "—";
}

function TicketTable(props: { tickets: Ticket[]; total: number; show: Show; cat: Catalog; spoc: boolean; org: Org }) {
  const { tickets, cat } = props;
  if (props.total === 0)
    return (
      <div class="empty card">
        <p>
          <strong>{t("portal.home.empty_title")}</strong>
        </p>
        <p class="muted">
          {props.spoc
            ? t("portal.home.empty_spoc")
            : props.org.spoc
              ? t("portal.home.empty_contact", { name: props.org.spoc.name })
              : t("portal.home.empty_contact_nospoc")}
        </p>
        {props.spoc && (
          <a class="button button-primary" href="/portal/new">
            {t("portal.home.cta")}
          </a>
        )}
      </div>
    );
  if (tickets.length === 0)
    return (
      <div class="empty card">
        <p class="muted">{t("portal.home.empty_" + props.show)}</p>
      </div>
    );
  return (
    <div class="table-wrap portal-table">
      <table>
        <caption class="visually-hidden">{t("portal.home.tickets")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("portal.col.number")}</th>
            <th scope="col">{t("portal.col.subject")}</th>
            <th scope="col">{t("portal.col.status")}</th>
            <th scope="col">{t("portal.col.priority")}</th>
            <th scope="col">{t("portal.col.response")}</th>
            <th scope="col">{t("portal.col.updated")}</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((x) => (
            <tr key={x.id} data-ticket={x.id} class={x.status === "awaiting_customer" ? "row-attention" : ""}>
              <td data-label={t("portal.col.number")} class="cell-number">
                <a href={`/portal/tickets/${x.id}`} aria-label={t("portal.ticket.label", { id: x.id })}>
                  #{x.id}
                </a>
              </td>
              <td data-label={t("portal.col.subject")} class="cell-subject">
                <a href={`/portal/tickets/${x.id}`}>{x.subject}</a>
                <span class="muted cell-type">{typeName(cat, x.request_type)}</span>
              </td>
              <td data-label={t("portal.col.status")}>
                <PortalStatus status={x.status} />
              </td>
              <td data-label={t("portal.col.priority")}>
                {x.kind === "account" ? <span class="muted">{t("portal.priority.account")}</span> : <PriorityBadge priority={x.priority} />}
              </td>
              <td data-label={t("portal.col.response")}>{responseText(x)}</td>
              <td data-label={t("portal.col.updated")}>
                <time dateTime={x.updated_at}>{formatDateTime(x.updated_at)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Drafts: the SPOC sees what colleagues prepared, to review and file or
 * send back; anyone else sees their own, and what the SPOC said.
 */
function Drafts(props: { spoc: boolean; org: Org; cat: Catalog; returned: string | null }) {
  const state = useLoad(loadDrafts, []);
  const [names, setNames] = useState<Record<number, string>>({});
  const drafts = state.data ?? [];
  useEffect(() => {
    for (const d of drafts)
      if (!(d.author_id in names)) userName(d.author_id).then((n) => setNames((cur) => ({ ...cur, [d.author_id]: n })));
  }, [drafts.length]);
  if (!drafts.length && !props.returned) return null;
  const subject = (d: Draft) => (typeof d.fields.subject === "string" && d.fields.subject.trim()) || t("portal.draft.untitled");
  const type = (d: Draft) => (typeof d.fields.request_type === "string" ? typeName(props.cat, d.fields.request_type) : "");
  return (
    <section class="card drafts-card" aria-labelledby="drafts-title">
      <h2 id="drafts-title">{props.spoc ? t("portal.drafts.title_spoc") : t("portal.drafts.title")}</h2>
      <p role="status" class="drafts-status">
        {props.returned ? t("portal.drafts.returned_done") : ""}
      </p>
      {props.spoc && drafts.length > 0 && <p class="hint">{t("portal.drafts.hint_spoc")}</p>}
      <ul class="drafts-list">
        {drafts.map((d) => (
          <li key={d.id} data-draft={d.id}>
            <strong class="draft-subject">{subject(d)}</strong>
            <span class="muted draft-meta">
              {[type(d), props.spoc ? names[d.author_id] : "", formatDateTime(d.updated_at)].filter(Boolean).join(" · ")}
            </span>
            {d.state === "returned" ? (
              <span class="draft-returned">
                <span class="badge status-awaiting_customer">{t("portal.drafts.state_returned")}</span>{" "}
                {d.return_comment && <q>{d.return_comment}</q>}
              </span>
            ) : (
              !props.spoc && (
                <span class="badge">{t("portal.drafts.state_waiting", { name: props.org.spoc?.name ?? "" })}</span>
              )
            )}
            <a href={`/portal/new?draft=${d.id}`} class="button draft-action">
              {props.spoc ? t("portal.drafts.review") : t("portal.drafts.edit")}
              <span class="visually-hidden">: {subject(d)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
