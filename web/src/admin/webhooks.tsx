// Webhooks: the URLs that receive ticket events, signed the Standard
// Webhooks way (docs/webhooks.md). The list, a new webhook (its signing
// secret shown once), and one webhook's page: its settings, enable and
// disable, a test event, a new secret, deleting it, and its delivery log
// with a retry for what failed.

import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { t } from "../lib/i18n";
import { navigate } from "../lib/router";
import { formatDateTime } from "../lib/time";
import { Alert, Field, Loading, errorText, useLoad, useTitle } from "../ui/components";
import { BackLink, FormError, Group, PageHead, SaveStatus, SubmitButton, fieldError, useSave } from "./common";
import "./strings";
import "./webhooks.css";

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  description: string;
  created_at: string;
  updated_at: string;
  previous_secret_expires_at: string | null;
  secret?: string;
}

export interface Delivery {
  id: number;
  webhook_id: number;
  event: string;
  msg_id: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  ticket_id: number | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
  response_excerpt: string | null;
}

interface WebhookList {
  items: Webhook[];
  event_types: string[];
}

const listWebhooks = () => api.get<WebhookList>("/webhooks").then((r) => r.data);

/**
 * Runs FN once after MS, unless the component is gone by then: a look at
 * the log a moment after an action, never a request for a deleted webhook.
 */
function useLater() {
  const timers = useRef<number[]>([]);
  useEffect(() => () => timers.current.forEach((id) => clearTimeout(id)), []);
  return (fn: () => void, ms: number) => {
    timers.current.push(window.setTimeout(fn, ms));
  };
}

function eventLabel(e: string): string {
  return t("admin.webhooks.event." + e);
}

// ---- list ---------------------------------------------------------------------

export function WebhookListPage() {
  useTitle(t("admin.webhooks.title"));
  const list = useLoad(listWebhooks, []);
  return (
    <>
      <PageHead title={t("admin.webhooks.title")} lead={t("admin.webhooks.lead")}>
        <a class="button button-primary" href="/admin/webhooks/new">
          {t("admin.webhooks.add")}
        </a>
      </PageHead>
      <Loading state={list}>
        {(data) =>
          data.items.length === 0 ? (
            <div class="card empty">
              <p>{t("admin.webhooks.empty")}</p>
              <p>
                <a href="/admin/webhooks/new">{t("admin.webhooks.add_first")}</a>
              </p>
            </div>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{t("admin.webhooks.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.webhooks.url")}</th>
                    <th scope="col">{t("admin.webhooks.events")}</th>
                    <th scope="col">{t("admin.webhooks.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((w) => (
                    <tr key={w.id} class={w.active ? undefined : "row-disabled"}>
                      <td class="webhook-url">
                        <a href={`/admin/webhooks/${w.id}`}>{w.url}</a>
                        {w.description && <div class="muted">{w.description}</div>}
                      </td>
                      <td>
                        {w.events.map((e) => (
                          <code key={e} class="webhook-event">
                            {e}
                          </code>
                        ))}
                      </td>
                      <td>
                        <ActiveBadge active={w.active} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </>
  );
}

function ActiveBadge(props: { active: boolean }) {
  return <span class={"badge " + (props.active ? "badge-ok" : "")}>{props.active ? t("admin.webhooks.active") : t("admin.webhooks.disabled")}</span>;
}

// ---- the form ------------------------------------------------------------------

interface FormState {
  url: string;
  description: string;
  events: string[];
}

function WebhookFields(props: { types: string[]; state: FormState; onChange: (s: FormState) => void; error: unknown }) {
  const { state, onChange } = props;
  const eventsError = fieldError(props.error, "events") ?? props.types.map((_, i) => fieldError(props.error, `events[${i}]`)).find(Boolean);
  function toggle(e: string, on: boolean) {
    const next = on ? [...state.events, e] : state.events.filter((x) => x !== e);
    onChange({ ...state, events: props.types.filter((x) => next.includes(x)) });
  }
  return (
    <>
      <Field label={t("admin.webhooks.url")} hint={t("admin.webhooks.url_hint")} error={fieldError(props.error, "url")}>
        {({ id, describedBy, invalid }) => (
          <input id={id} name="url" type="url" inputMode="url" spellcheck={false} required value={state.url} onInput={(e) => onChange({ ...state, url: e.currentTarget.value })} aria-describedby={describedBy} aria-invalid={invalid} />
        )}
      </Field>
      <Field label={t("admin.webhooks.description")} hint={t("admin.webhooks.description_hint")} error={fieldError(props.error, "description")}>
        {({ id, describedBy, invalid }) => (
          <input id={id} name="description" maxLength={500} value={state.description} onInput={(e) => onChange({ ...state, description: e.currentTarget.value })} aria-describedby={describedBy} aria-invalid={invalid} />
        )}
      </Field>
      <Group legend={t("admin.webhooks.events")} hint={t("admin.webhooks.events_hint")} error={eventsError} class="webhook-events">
        {props.types.map((e) => (
          <label key={e} class="choice">
            <input type="checkbox" name="events" value={e} checked={state.events.includes(e)} onChange={(ev) => toggle(e, ev.currentTarget.checked)} />
            <span>
              {eventLabel(e)} <code class="muted">{e}</code>
            </span>
          </label>
        ))}
      </Group>
    </>
  );
}

/** The one time a signing secret is shown, with a copy button. */
function ShowSecretOnce(props: { secret: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div class="alert alert-warning once">
      <p>{t("admin.webhooks.secret_once")}</p>
      <p class="once-value">
        <code data-testid="webhook-secret">{props.secret}</code>{" "}
        <button type="button" onClick={copy}>
          {copied ? t("admin.password.copied") : t("admin.password.copy")}
        </button>
      </p>
      <p class="hint">{t("admin.webhooks.secret_hint")}</p>
    </div>
  );
}

// ---- new ------------------------------------------------------------------------

export function WebhookNew() {
  useTitle(t("admin.webhooks.new"));
  const list = useLoad(listWebhooks, []);
  const [state, setState] = useState<FormState>({ url: "", description: "", events: [] });
  const [active, setActive] = useState(true);
  const [created, setCreated] = useState<Webhook | null>(null);
  const save = useSave();

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const made = (await api.post<Webhook>("/webhooks", { url: state.url.trim(), description: state.description.trim(), events: state.events, active })).data;
      setCreated(made);
      return t("admin.webhooks.created");
    });
  }

  if (created)
    return (
      <>
        <BackLink href="/admin/webhooks" label={t("admin.webhooks.title")} />
        <PageHead title={t("admin.webhooks.created_title")} lead={created.url} />
        <ShowSecretOnce secret={created.secret ?? ""} />
        <p class="actions">
          <a class="button button-primary" href={`/admin/webhooks/${created.id}`}>
            {t("admin.webhooks.open")}
          </a>
        </p>
      </>
    );
  return (
    <>
      <BackLink href="/admin/webhooks" label={t("admin.webhooks.title")} />
      <PageHead title={t("admin.webhooks.new")} lead={t("admin.webhooks.new_lead")} />
      <Loading state={list}>
        {(data) => (
          <form class="card narrow" onSubmit={submit} noValidate aria-label={t("admin.webhooks.new")}>
            <FormError error={save.error} known={["url", "description", "events"]} />
            <WebhookFields types={data.event_types} state={state} onChange={setState} error={save.error} />
            <label class="choice">
              <input type="checkbox" name="active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
              <span>{t("admin.webhooks.active_now")}</span>
            </label>
            <div class="actions">
              <SubmitButton busy={save.busy} label={t("admin.webhooks.create")} busyLabel={t("admin.form.creating")} />
            </div>
            <SaveStatus message={save.status} />
          </form>
        )}
      </Loading>
    </>
  );
}

// ---- one webhook --------------------------------------------------------------

export function WebhookEdit(props: { id: string }) {
  const state = useLoad(async () => {
    const [w, list] = await Promise.all([api.get<Webhook>(`/webhooks/${encodeURIComponent(props.id)}`).then((r) => r.data), listWebhooks()]);
    return { w, types: list.event_types };
  }, [props.id]);
  useTitle(state.data ? state.data.w.url : t("admin.webhooks.title"));
  return (
    <>
      <BackLink href="/admin/webhooks" label={t("admin.webhooks.title")} />
      <Loading state={state}>{(d) => <WebhookPage webhook={d.w} types={d.types} onChanged={(w) => state.set({ w, types: d.types })} />}</Loading>
    </>
  );
}

function WebhookPage(props: { webhook: Webhook; types: string[]; onChanged: (w: Webhook) => void }) {
  const w = props.webhook;
  const [form, setForm] = useState<FormState>({ url: w.url, description: w.description, events: w.events });
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [logKey, setLogKey] = useState(0);
  const save = useSave();
  const act = useSave();
  const later = useLater();

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const saved = (await api.patch<Webhook>(`/webhooks/${w.id}`, { url: form.url.trim(), description: form.description.trim(), events: form.events })).data;
      props.onChanged(saved);
      return t("admin.webhooks.saved");
    });
  }

  async function setActive(on: boolean) {
    await act.run(async () => {
      props.onChanged((await api.patch<Webhook>(`/webhooks/${w.id}`, { active: on })).data);
      return on ? t("admin.webhooks.enabled_msg") : t("admin.webhooks.disabled_msg");
    });
  }

  async function sendTest() {
    await act.run(async () => {
      await api.post(`/webhooks/${w.id}/test`);
      later(() => setLogKey((k) => k + 1), 1500);
      setLogKey((k) => k + 1);
      return t("admin.webhooks.test_sent");
    });
  }

  async function rotate() {
    await act.run(async () => {
      const r = (await api.post<Webhook>(`/webhooks/${w.id}/rotate-secret`)).data;
      setSecret(r.secret ?? null);
      const { secret: _shown, ...rest } = r;
      props.onChanged(rest);
      return t("admin.webhooks.rotated");
    });
  }

  async function remove() {
    await act.run(async () => {
      await api.del(`/webhooks/${w.id}`);
      navigate("/admin/webhooks");
    });
  }

  return (
    <>
      <PageHead title={t("admin.webhooks.one")} lead={w.url}>
        <ActiveBadge active={w.active} />
      </PageHead>
      {secret && <ShowSecretOnce secret={secret} />}
      <div class="admin-columns">
        <form class="card" onSubmit={submit} noValidate aria-labelledby="webhook-settings">
          <h2 id="webhook-settings">{t("admin.webhooks.settings")}</h2>
          <FormError error={save.error} known={["url", "description", "events"]} />
          <WebhookFields types={props.types} state={form} onChange={setForm} error={save.error} />
          <div class="actions">
            <SubmitButton busy={save.busy} label={t("common.save")} />
          </div>
          <SaveStatus message={save.status} />
        </form>
        <section class="card" aria-labelledby="webhook-actions">
          <h2 id="webhook-actions">{t("admin.webhooks.actions")}</h2>
          {act.error ? <Alert kind="error">{t("common.error", { message: errorText(act.error) })}</Alert> : null}
          <p class="hint">{w.active ? t("admin.webhooks.active_hint") : t("admin.webhooks.disabled_hint")}</p>
          <div class="actions">
            {w.active ? (
              <button type="button" onClick={() => setActive(false)} disabled={act.busy}>
                {t("admin.webhooks.disable")}
              </button>
            ) : (
              <button type="button" class="button-primary" onClick={() => setActive(true)} disabled={act.busy}>
                {t("admin.webhooks.enable")}
              </button>
            )}
            <button type="button" onClick={sendTest} disabled={act.busy || !w.active}>
              {t("admin.webhooks.test")}
            </button>
          </div>
          <h3>{t("admin.webhooks.secret")}</h3>
          <p class="hint">{w.previous_secret_expires_at ? t("admin.webhooks.rotation_until", { time: formatDateTime(w.previous_secret_expires_at) }) : t("admin.webhooks.rotate_hint")}</p>
          <div class="actions">
            <button type="button" onClick={rotate} disabled={act.busy}>
              {t("admin.webhooks.rotate")}
            </button>
          </div>
          <h3>{t("admin.webhooks.delete")}</h3>
          {confirmDelete ? (
            <div class="actions" role="group" aria-label={t("admin.webhooks.delete_confirm")}>
              <span>{t("admin.webhooks.delete_confirm")}</span>
              <button type="button" class="button-danger" onClick={remove} disabled={act.busy}>
                {t("admin.webhooks.delete_yes")}
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                {t("common.cancel")}
              </button>
            </div>
          ) : (
            <div class="actions">
              <button type="button" onClick={() => setConfirmDelete(true)}>
                {t("admin.webhooks.delete")}
              </button>
            </div>
          )}
          <SaveStatus message={act.status} />
        </section>
      </div>
      <DeliveryLog key={logKey} webhookId={w.id} />
    </>
  );
}

// ---- the delivery log -------------------------------------------------------------

const PAGE = 25;

function DeliveryLog(props: { webhookId: number }) {
  const [pages, setPages] = useState<Delivery[][]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [message, setMessage] = useState("");
  const first = useLoad(async () => {
    const r = (await api.get<{ items: Delivery[]; next_before: number | null }>(`/webhooks/${props.webhookId}/deliveries${query({ limit: PAGE })}`)).data;
    setPages([r.items]);
    setNext(r.next_before);
    return r;
  }, [props.webhookId]);
  const retry = useSave();
  const later = useLater();

  async function older() {
    if (next === null) return;
    const r = (await api.get<{ items: Delivery[]; next_before: number | null }>(`/webhooks/${props.webhookId}/deliveries${query({ limit: PAGE, before: next })}`)).data;
    setPages((p) => [...p, r.items]);
    setNext(r.next_before);
  }

  async function retryOne(d: Delivery) {
    const ok = await retry.run(async () => {
      await api.post(`/webhook-deliveries/${d.id}/retry`);
    });
    if (ok) {
      setMessage(t("admin.webhooks.retried", { id: String(d.id) }));
      later(() => first.reload(), 1500);
      await first.reload();
    }
  }

  const items = pages.flat();
  return (
    <section class="card" aria-labelledby="webhook-log">
      <div class="admin-head">
        <h2 id="webhook-log">{t("admin.webhooks.log")}</h2>
        <div class="actions">
          <button type="button" onClick={() => first.reload()}>
            {t("admin.webhooks.refresh")}
          </button>
        </div>
      </div>
      <p class="hint">{t("admin.webhooks.log_hint")}</p>
      {retry.error ? <Alert kind="error">{t("common.error", { message: errorText(retry.error) })}</Alert> : null}
      <p role="status" class="save-status">
        {message}
      </p>
      <Loading state={first}>
        {() =>
          items.length === 0 ? (
            <p class="muted">{t("admin.webhooks.log_empty")}</p>
          ) : (
            <div class="table-wrap">
              <table class="webhook-log">
                <caption class="visually-hidden">{t("admin.webhooks.log")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.webhooks.when")}</th>
                    <th scope="col">{t("admin.webhooks.event")}</th>
                    <th scope="col">{t("admin.webhooks.state")}</th>
                    <th scope="col">{t("admin.webhooks.attempts")}</th>
                    <th scope="col">{t("admin.webhooks.answer")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("admin.webhooks.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => (
                    <tr key={d.id} data-delivery={d.id} data-state={d.state}>
                      <td>
                        <time dateTime={d.created_at}>{formatDateTime(d.created_at)}</time>
                      </td>
                      <td>
                        <code>{d.event}</code>
                        {d.ticket_id && (
                          <div>
                            <a href={`/agent/tickets/${d.ticket_id}`}>#{d.ticket_id}</a>
                          </div>
                        )}
                        <div class="muted mono webhook-msg">{d.msg_id}</div>
                      </td>
                      <td>
                        <span class={"badge webhook-state-" + d.state}>{t("admin.webhooks.state." + d.state)}</span>
                        {d.state === "pending" && d.next_attempt_at && (
                          <div class="muted">{t("admin.webhooks.next_at", { time: formatDateTime(d.next_attempt_at) })}</div>
                        )}
                      </td>
                      <td>{d.attempts}</td>
                      <td class="webhook-answer">
                        {d.last_status !== null && <strong>HTTP {d.last_status}</strong>}
                        {d.last_error && <div>{d.last_error}</div>}
                        {d.response_excerpt && <div class="muted mono">{d.response_excerpt}</div>}
                      </td>
                      <td>
                        {d.state === "failed" && (
                          <button type="button" onClick={() => retryOne(d)} disabled={retry.busy} aria-label={t("admin.webhooks.retry_label", { id: String(d.id) })}>
                            {t("admin.webhooks.retry")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
      {next !== null && (
        <div class="actions">
          <button type="button" onClick={older}>
            {t("admin.webhooks.older")}
          </button>
        </div>
      )}
    </section>
  );
}
