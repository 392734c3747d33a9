// /portal/tickets/:id: one request as the customer sees it. Where it
// stands (and when we will answer), what they sent, the conversation
// (contacts never receive internal notes), a reply box with files; a
// follow-up question shown up front with its answer box; reopening a
// resolved request within the seven days lifecycle.c allows. Live: any
// change to the ticket refetches it.

import { useRef, useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { useTicketEvents } from "../lib/events";
import { t, useLanguage } from "../lib/i18n";
import { formatDateTime, formatFull } from "../lib/time";
import type { Attachment, Comment, Org, Ticket, User } from "../lib/types";
import { Alert, Loading, PriorityBadge, errorText, useLoad, useTitle } from "../ui/components";
import { Attachments, Conversation } from "../ui/conversation";
import { type Catalog, REOPEN_WINDOW_MS, handledBy, isSpoc, loadCatalog, loadOrg, typeName } from "./data";
import { FileZone, uploadFiles, useFileList } from "./files";
import { PortalStatus } from "./home";
import { fieldLabel } from "./new-request";

interface View {
  ticket: Ticket;
  etag: string | null;
  comments: Comment[];
  attachments: Attachment[];
  org: Org;
  cat: Catalog;
}

export function TicketView(props: { user: User; id: number }) {
  useLanguage();
  const state = useLoad<View>(async () => {
    const [tk, comments, attachments, org, cat] = await Promise.all([
      api.get<Ticket>(`/tickets/${props.id}`),
      api.get<{ items: Comment[] }>(`/tickets/${props.id}/comments`),
      api.get<{ items: Attachment[] }>(`/tickets/${props.id}/attachments`),
      loadOrg(props.user),
      loadCatalog(),
    ]);
    return {
      ticket: tk.data,
      etag: tk.etag,
      comments: comments.data.items,
      attachments: attachments.data.items,
      org,
      cat,
    };
  }, [props.id]);
  useTicketEvents((e) => {
    if (!e || e.id === props.id) state.reload();
  });
  const notFound = state.error instanceof ApiError && state.error.status === 404;
  useTitle(state.data ? `#${state.data.ticket.id} ${state.data.ticket.subject}` : t("portal.ticket.title"));
  return (
    <section class="page portal">
      <p class="crumbs">
        <a href="/portal">{t("portal.nav.home")}</a>
      </p>
      {notFound ? (
        <div class="card empty">
          <h1>{t("portal.ticket.not_found")}</h1>
          <p class="muted">{t("portal.ticket.not_found_text")}</p>
        </div>
      ) : (
        <Loading state={state}>
          {(view) => <TicketContent view={view} user={props.user} reload={state.reload} set={state.set} />}
        </Loading>
      )}
    </section>
  );
}

function TicketContent(props: { view: View; user: User; reload: () => Promise<void>; set: (v: View) => void }) {
  const { ticket, comments, attachments, org, cat } = props.view;
  const [notice, setNotice] = useState("");
  const [reopenError, setReopenError] = useState("");
  const [reopening, setReopening] = useState(false);
  const questions = comments.filter((c) => c.kind === "question");
  const question = ticket.status === "awaiting_customer" ? questions[questions.length - 1] : undefined;
  const resolvedAt = ticket.resolved_at ? Date.parse(ticket.resolved_at) : 0;
  const canReopen = ticket.status === "resolved" && (!resolvedAt || Date.now() < resolvedAt + REOPEN_WINDOW_MS);
  const closed = ticket.status === "closed";
  const account = ticket.kind === "account";

  async function sent(message: string) {
    setNotice(message);
    await props.reload();
  }

  async function reopen() {
    setReopening(true);
    setReopenError("");
    setNotice("");
    try {
      const res = await api.patch<Ticket>(
        `/tickets/${ticket.id}`,
        { status: "open" },
        { ifMatch: props.view.etag?.replace(/^W\//, "").replace(/"/g, "") ?? ticket.version },
      );
      props.set({ ...props.view, ticket: res.data, etag: res.etag });
      setNotice(t("portal.ticket.reopened"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await props.reload();
        setReopenError(t("portal.ticket.stale"));
      } else setReopenError(errorText(e));
    } finally {
      setReopening(false);
    }
  }

  return (
    <>
      <header class="ticket-head">
        <p class="ticket-number">{t("portal.ticket.label", { id: ticket.id })}</p>
        <h1>{ticket.subject}</h1>
        <p class="ticket-badges">
          <PortalStatus status={ticket.status} />
          {!account && <PriorityBadge priority={ticket.priority} />}
          <span class="muted">
            {typeName(cat, ticket.request_type)} ·{" "}
            {handledBy(cat, org, ticket)}
          </span>
        </p>
      </header>

      <div role="status" class="ticket-notice">
        {notice && <p class="alert alert-success">{notice}</p>}
      </div>

      <div class="split ticket-split">
        <div class="ticket-main">
          <StatusCallout ticket={ticket} org={org} />

          {question && (
            <section class="card question-card" aria-labelledby="question-title">
              <h2 id="question-title">{t("portal.question.title")}</h2>
              <p class="question-meta muted">
                {t("portal.question.asked", { name: question.author.name, when: formatDateTime(question.created_at) })}
              </p>
              <blockquote class="question-body">{question.body}</blockquote>
              <Composer ticket={ticket} answer onSent={sent} />
            </section>
          )}

          {ticket.status === "resolved" && (
            <section class="card reopen-card" aria-labelledby="reopen-title">
              <h2 id="reopen-title">{t("portal.reopen.title")}</h2>
              {canReopen ? (
                <>
                  <p>
                    {t("portal.reopen.text", {
                      until: formatDateTime(new Date(resolvedAt + REOPEN_WINDOW_MS).toISOString()),
                    })}
                  </p>
                  {reopenError && <Alert kind="error">{reopenError}</Alert>}
                  <button type="button" class="button" onClick={reopen} disabled={reopening} aria-busy={reopening}>
                    {reopening ? t("portal.reopen.busy") : t("portal.reopen.button")}
                  </button>
                </>
              ) : (
                <p>{t("portal.reopen.expired")}</p>
              )}
            </section>
          )}

          <section class="card" aria-labelledby="request-title">
            <h2 id="request-title">{t("portal.ticket.request")}</h2>
            <p class="message-head muted">
              {t("portal.ticket.filed", { when: formatDateTime(ticket.created_at) })}
            </p>
            <div class="message-body request-text">{ticket.description}</div>
            <RequestFields ticket={ticket} />
            <h3>{t("conv.attachments")}</h3>
            {attachments.length ? <Attachments items={attachments} /> : <p class="muted">{t("portal.ticket.no_files")}</p>}
          </section>

          <section aria-labelledby="conv-title">
            <h2 id="conv-title">{t("conv.title")}</h2>
            <Conversation comments={comments} />
          </section>

          {closed ? (
            <section class="card" aria-labelledby="closed-title">
              <h2 id="closed-title">{t("portal.closed.title")}</h2>
              <p>{t("portal.closed.text")}</p>
              {isSpoc(org, props.user) && (
                <a class="button button-primary" href={`/portal/new?type=${encodeURIComponent(ticket.request_type)}`}>
                  {t("portal.closed.new")}
                </a>
              )}
            </section>
          ) : (
            !question && (
              <section class="card" aria-labelledby="reply-title">
                <h2 id="reply-title">{t("portal.reply.title")}</h2>
                {ticket.status === "resolved" && canReopen && <p class="hint">{t("portal.reply.reopens")}</p>}
                <Composer ticket={ticket} onSent={sent} />
              </section>
            )
          )}
        </div>

        <aside class="ticket-aside" aria-label={t("portal.ticket.details")}>
          <div class="card">
            <h2>{t("portal.ticket.details")}</h2>
            <Details ticket={ticket} org={org} cat={cat} />
          </div>
        </aside>
      </div>
    </>
  );
}

/** Where the request stands and what happens next, in a sentence. */
function StatusCallout({ ticket, org }: { ticket: Ticket; org: Org }) {
  let text = "";
  const due = ticket.first_response_due_at;
  if (ticket.status === "closed") return null;
  if (ticket.status === "resolved") text = t("portal.callout.resolved", { when: formatDateTime(ticket.resolved_at) });
  else if (ticket.status === "awaiting_customer") return null;
  else if (ticket.status === "pending_engineering") text = t("portal.callout.engineering");
  else if (ticket.kind === "account")
    text = org.account_rep ? t("portal.callout.account_named", { name: org.account_rep.name }) : t("portal.callout.account");
  else if (!ticket.first_response_at && due)
    text = t(Date.parse(due) > Date.now() ? "portal.callout.due" : "portal.callout.late", { due: formatFull(due) });
  else text = t("portal.callout.working");
  return (
    <p class={"callout callout-" + ticket.status} data-testid="status-callout">
      {text}
    </p>
  );
}

function RequestFields({ ticket }: { ticket: Ticket }) {
  const rows: [string, preact.ComponentChildren][] = [];
  if (ticket.impact) rows.push([fieldLabel("impact"), ticket.impact]);
  if (ticket.business_justification) rows.push([fieldLabel("business_justification"), ticket.business_justification]);
  if (ticket.steps) rows.push([fieldLabel("steps"), ticket.steps]);
  if (ticket.urls.length)
    rows.push([
      fieldLabel("urls"),
      <ul class="plain-list">
        {ticket.urls.map((u) => (
          <li key={u}>
            <a href={u} target="_blank" rel="noopener noreferrer">
              {u}
            </a>
          </li>
        ))}
      </ul>,
    ]);
  if (ticket.object_ids.length)
    rows.push([
      fieldLabel("object_ids"),
      <ul class="plain-list">
        {ticket.object_ids.map((o) => (
          <li key={o.type + o.id}>
            {t("portal.object." + o.type)} {o.id}
          </li>
        ))}
      </ul>,
    ]);
  if (rows.length === 0) return null;
  return (
    <dl class="request-fields">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd class="pre">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Details({ ticket, org, cat }: { ticket: Ticket; org: Org; cat: Catalog }) {
  const account = ticket.kind === "account";
  return (
    <dl class="details details-stacked">
      <dt>{t("portal.col.status")}</dt>
      <dd>
        <PortalStatus status={ticket.status} />
      </dd>
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
      {ticket.priority === "emergency" && ticket.emergency_criteria.length > 0 && (
        <>
          <dt>{t("portal.field.emergency_criteria_short")}</dt>
          <dd>{ticket.emergency_criteria.map((c) => t("portal.criteria_short." + c)).join("; ")}</dd>
          <dt>{t("portal.field.emergency_phone_short")}</dt>
          <dd>{ticket.emergency_phone}</dd>
        </>
      )}
      <dt>{t("portal.ticket.created")}</dt>
      <dd>{formatDateTime(ticket.created_at)}</dd>
      {!account && (
        <>
          <dt>{t("portal.ticket.first_response")}</dt>
          <dd data-testid="due">
            {ticket.first_response_at
              ? t("portal.ticket.responded_at", { when: formatDateTime(ticket.first_response_at) })
              : ticket.first_response_due_at
                ? t("portal.response.by", { due: formatFull(ticket.first_response_due_at) })
                : "—"}
          </dd>
        </>
      )}
      <dt>{t("portal.col.updated")}</dt>
      <dd>{formatDateTime(ticket.updated_at)}</dd>
      {ticket.member_id && (
        <>
          <dt>{t("portal.field.member_id")}</dt>
          <dd>{ticket.member_id}</dd>
        </>
      )}
      {ticket.browser && (
        <>
          <dt>{t("portal.field.browser")}</dt>
          <dd>{ticket.browser}</dd>
        </>
      )}
      {ticket.os && (
        <>
          <dt>{t("portal.field.os")}</dt>
          <dd>{ticket.os}</dd>
        </>
      )}
    </dl>
  );
}

/** The reply (or answer) box: text, files by pick, drop or paste. */
function Composer(props: { ticket: Ticket; answer?: boolean; onSent: (message: string) => Promise<void> }) {
  const [body, setBody] = useState("");
  const files = useFileList();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [fieldError, setFieldError] = useState("");
  const posted = useRef(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const id = props.answer ? "answer-body" : "reply-body";

  async function send(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError("");
    setFieldError("");
    if (!body.trim() && files.items.length === 0) {
      setFieldError(props.answer ? t("portal.reply.empty_answer") : t("portal.reply.empty"));
      area.current?.focus();
      return;
    }
    setBusy(true);
    try {
      // A retry after a failed upload does not post the text twice.
      if (body.trim() && !posted.current) {
        await api.post(`/tickets/${props.ticket.id}/comments`, { body });
        posted.current = true;
      }
      const n = files.items.length;
      if (n) {
        await uploadFiles(
          props.ticket.id,
          files.items.map((p) => p.file),
        );
        files.clear();
      }
      setBody("");
      posted.current = false;
      await props.onSent(
        props.answer ? t("portal.reply.answered") : n ? t("portal.reply.sent_files", { count: n }) : t("portal.reply.sent"),
      );
    } catch (err) {
      if (err instanceof ApiError && err.field("body")) setFieldError(err.field("body")!);
      else if (posted.current) setError(t("portal.reply.upload_failed", { message: errorText(err) }));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="reply-box" onSubmit={send} onPaste={files.onPaste} aria-label={props.answer ? t("portal.question.answer") : t("portal.reply.title")}>
      {error && <Alert kind="error">{error}</Alert>}
      <div class={"field" + (fieldError ? " field-invalid" : "")}>
        <label for={id}>{props.answer ? t("portal.question.answer") : t("portal.reply.label")}</label>
        <textarea
          id={id}
          ref={area}
          name="body"
          rows={props.answer ? 4 : 5}
          value={body}
          aria-invalid={!!fieldError || undefined}
          aria-describedby={fieldError ? id + "-err" : undefined}
          onInput={(e) => {
            setBody(e.currentTarget.value);
            if (posted.current) posted.current = false;
          }}
        />
        {fieldError && (
          <p class="error" id={id + "-err"}>
            {fieldError}
          </p>
        )}
      </div>
      <FileZone files={files} legend={t("portal.reply.files")} disabled={busy} />
      <div class="actions">
        <button type="submit" class="button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t("portal.reply.sending") : props.answer ? t("portal.question.send") : t("portal.reply.send")}
        </button>
      </div>
    </form>
  );
}
