// Mail: the notifications that did not go out (docs/mail.md). Given up on
// (failed: a 5xx from the SMTP server, a recipient without an address, five
// days of temporary failures) or retrying after a failed attempt, each with
// who it was for, the ticket, the attempts and the last error; a failed one
// may be retried at once.

import { useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { register, t } from "../lib/i18n";
import { formatDateTime } from "../lib/time";
import { Alert, Loading, errorText, useLoad, useTitle } from "../ui/components";
import { PageHead, useSave } from "./common";

interface OutboxRow {
  id: number;
  event: string;
  ticket_id: number | null;
  recipient: { id: number; name: string | null; email: string | null } | null;
  state: "pending" | "failed";
  attempts: number;
  last_error: string | null;
  created_at: string;
  next_attempt_at: string | null;
}

type View = "failed" | "retrying";
const PAGE = 50;

export function MailPage() {
  useTitle(t("admin.mail.title"));
  return (
    <>
      <PageHead title={t("admin.mail.title")} lead={t("admin.mail.lead")} />
      <MailList view="failed" />
      <MailList view="retrying" />
    </>
  );
}

function MailList(props: { view: View }) {
  const [pages, setPages] = useState<OutboxRow[][]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [message, setMessage] = useState("");
  const retry = useSave();
  const first = useLoad(async () => {
    const r = (await api.get<{ items: OutboxRow[]; next_before: number | null }>(`/outbox${query({ state: props.view, limit: PAGE })}`)).data;
    setPages([r.items]);
    setNext(r.next_before);
    return r;
  }, [props.view]);

  async function older() {
    if (next === null) return;
    const r = (await api.get<{ items: OutboxRow[]; next_before: number | null }>(`/outbox${query({ state: props.view, limit: PAGE, before: next })}`)).data;
    setPages((p) => [...p, r.items]);
    setNext(r.next_before);
  }

  async function retryOne(row: OutboxRow) {
    const ok = await retry.run(async () => {
      await api.post(`/outbox/${row.id}/retry`);
    });
    if (ok) {
      setMessage(t("admin.mail.retried", { id: String(row.id) }));
      await first.reload();
    }
  }

  const headingId = "mail-" + props.view;
  const items = pages.flat();
  return (
    <section class="card" aria-labelledby={headingId}>
      <div class="admin-head">
        <h2 id={headingId}>{t("admin.mail." + props.view)}</h2>
        <div class="actions">
          <button type="button" onClick={() => first.reload()} aria-label={t("admin.mail.refresh_label", { list: t("admin.mail." + props.view) })}>
            {t("admin.mail.refresh")}
          </button>
        </div>
      </div>
      <p class="hint">{t("admin.mail.hint_" + props.view)}</p>
      {retry.error ? <Alert kind="error">{t("common.error", { message: errorText(retry.error) })}</Alert> : null}
      <p role="status" class="save-status">
        {message}
      </p>
      <Loading state={first}>
        {() =>
          items.length === 0 ? (
            <p class="muted">{t("admin.mail.empty_" + props.view)}</p>
          ) : (
            <div class="table-wrap">
              <table class="mail-log">
                <caption class="visually-hidden">{t("admin.mail." + props.view)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.mail.when")}</th>
                    <th scope="col">{t("admin.mail.event")}</th>
                    <th scope="col">{t("admin.mail.recipient")}</th>
                    <th scope="col">{t("admin.mail.attempts")}</th>
                    <th scope="col">{t("admin.mail.error")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("admin.mail.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((row) => (
                    <tr key={row.id} data-outbox={row.id} data-state={row.state}>
                      <td>
                        <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
                      </td>
                      <td>
                        <code>{row.event}</code>
                        {row.ticket_id && (
                          <div>
                            <a href={`/agent/tickets/${row.ticket_id}`}>#{row.ticket_id}</a>
                          </div>
                        )}
                      </td>
                      <td>
                        {row.recipient ? (
                          <>
                            <a href={`/admin/users/${row.recipient.id}`}>{row.recipient.name ?? "#" + row.recipient.id}</a>
                            <div class="muted">{row.recipient.email}</div>
                          </>
                        ) : (
                          <span class="muted">{t("admin.mail.nobody")}</span>
                        )}
                      </td>
                      <td>
                        {row.attempts}
                        {row.next_attempt_at && <div class="muted">{t("admin.mail.next_at", { time: formatDateTime(row.next_attempt_at) })}</div>}
                      </td>
                      <td class="mail-error">{row.last_error}</td>
                      <td>
                        {row.state === "failed" && (
                          <button type="button" onClick={() => retryOne(row)} disabled={retry.busy} aria-label={t("admin.mail.retry_label", { id: String(row.id) })}>
                            {t("admin.mail.retry")}
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
            {t("admin.mail.older")}
          </button>
        </div>
      )}
    </section>
  );
}

register({
  en: {
    "admin.nav.mail": "Mail",
    "admin.overview.mail": "Notification mail that did not go out: who it was for, why it failed, and a retry.",
    "admin.mail.title": "Mail",
    "admin.mail.lead": "Notifications the mail server refused or could not be reached for. Retried mail keeps its place in the ticket's thread.",
    "admin.mail.failed": "Failed",
    "admin.mail.retrying": "Retrying",
    "admin.mail.hint_failed": "Given up on: refused by the mail server, a recipient without a valid address, or failing for five days. Fix the cause, then retry.",
    "admin.mail.hint_retrying": "Failed for now and tried again automatically, waiting longer each time (up to 15 minutes).",
    "admin.mail.empty_failed": "No failed mail.",
    "admin.mail.empty_retrying": "No mail is waiting for a retry.",
    "admin.mail.refresh": "Refresh",
    "admin.mail.refresh_label": "Refresh the list: {list}",
    "admin.mail.when": "Queued",
    "admin.mail.event": "Notification",
    "admin.mail.recipient": "Recipient",
    "admin.mail.attempts": "Attempts",
    "admin.mail.error": "Last error",
    "admin.mail.actions": "Actions",
    "admin.mail.nobody": "Nobody",
    "admin.mail.next_at": "Next attempt {time}",
    "admin.mail.retry": "Retry",
    "admin.mail.retry_label": "Retry mail {id}",
    "admin.mail.retried": "Mail {id} will be sent again now.",
    "admin.mail.older": "Older",
  },
  es: {
    "admin.nav.mail": "Correo",
    "admin.overview.mail": "El correo de avisos que no salió: para quién era, por qué falló y un reintento.",
    "admin.mail.title": "Correo",
    "admin.mail.lead": "Avisos que el servidor de correo rechazó o que no pudieron entregarse. Un correo reintentado conserva su lugar en el hilo del ticket.",
    "admin.mail.failed": "Fallidos",
    "admin.mail.retrying": "Reintentándose",
    "admin.mail.hint_failed": "Abandonados: rechazados por el servidor de correo, un destinatario sin dirección válida o cinco días fallando. Corrija la causa y reintente.",
    "admin.mail.hint_retrying": "Han fallado por ahora y se reintentan solos, cada vez con más espera (hasta 15 minutos).",
    "admin.mail.empty_failed": "No hay correo fallido.",
    "admin.mail.empty_retrying": "No hay correo esperando un reintento.",
    "admin.mail.refresh": "Actualizar",
    "admin.mail.refresh_label": "Actualizar la lista: {list}",
    "admin.mail.when": "En cola desde",
    "admin.mail.event": "Aviso",
    "admin.mail.recipient": "Destinatario",
    "admin.mail.attempts": "Intentos",
    "admin.mail.error": "Último error",
    "admin.mail.actions": "Acciones",
    "admin.mail.nobody": "Nadie",
    "admin.mail.next_at": "Próximo intento {time}",
    "admin.mail.retry": "Reintentar",
    "admin.mail.retry_label": "Reintentar el correo {id}",
    "admin.mail.retried": "El correo {id} se enviará de nuevo ahora.",
    "admin.mail.older": "Anteriores",
  },
});
