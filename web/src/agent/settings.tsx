// Notification settings (staff): which of the mails that may be muted this
// person receives. Essential mail (emergencies, breaches, everything a
// customer is told) always goes out and is listed so that nobody wonders;
// docs/mail.md has the list and the reasons.

import { useState } from "preact/hooks";
import { api } from "../lib/api";
import { register, t } from "../lib/i18n";
import { currentUser, loadSession } from "../lib/session";
import type { User } from "../lib/types";
import { Alert, errorText, useTitle } from "../ui/components";

/** The events one may mute, in the order shown (the API accepts these only). */
const MUTABLE = ["sla_warning", "emergency_update_due", "account_request", "customer_reply"] as const;
const ESSENTIAL = ["emergency_on_call", "emergency_filed", "sla_breach"] as const;

export function NotificationSettings() {
  useTitle(t("agent.notify.title"));
  const user = currentUser();
  const [muted, setMuted] = useState<string[]>(user?.muted ?? []);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<unknown>(null);
  if (!user) return null;

  function toggle(ev: string, on: boolean) {
    setMuted((m) => (on ? m.filter((x) => x !== ev) : [...m.filter((x) => x !== ev), ev]));
  }

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStatus("");
    try {
      const saved = (await api.patch<User>(`/users/${user!.id}`, { muted })).data;
      setMuted(saved.muted ?? []);
      await loadSession();
      setStatus(t("common.saved"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page notify-settings" aria-labelledby="notify-title">
      <p>
        <a href="/agent">{t("agent.ticket.back")}</a>
      </p>
      <h1 id="notify-title">{t("agent.notify.title")}</h1>
      <p class="muted">{t("agent.notify.lead")}</p>
      {error ? <Alert kind="error">{t("common.error", { message: errorText(error) })}</Alert> : null}
      <form onSubmit={submit} class="card">
        <fieldset>
          <legend>{t("agent.notify.choose")}</legend>
          {MUTABLE.map((ev) => (
            <div key={ev}>
              <label class="choice">
                <input
                  type="checkbox"
                  name={ev}
                  checked={!muted.includes(ev)}
                  onChange={(e) => toggle(ev, e.currentTarget.checked)}
                  aria-describedby={"notify-" + ev + "-hint"}
                />
                <span>{t("agent.notify.event." + ev)}</span>
              </label>
              <p class="hint" id={"notify-" + ev + "-hint"}>
                {t("agent.notify.hint." + ev)}
              </p>
            </div>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button-primary" disabled={busy} aria-busy={busy}>
            {busy ? t("agent.notify.saving") : t("agent.notify.save")}
          </button>
        </div>
        <p role="status" class="save-status">
          {status}
        </p>
      </form>
      <h2>{t("agent.notify.always")}</h2>
      <ul>
        {ESSENTIAL.map((ev) => (
          <li key={ev}>{t("agent.notify.event." + ev)}</li>
        ))}
        <li>{t("agent.notify.customers")}</li>
      </ul>
    </section>
  );
}

register({
  en: {
    "agent.notify.title": "Notifications",
    "agent.notify.lead": "Choose which mails you receive. Emergencies and breaches always reach you, and customers always hear about their requests.",
    "agent.notify.choose": "Mail me about",
    "agent.notify.event.sla_warning": "First responses due soon (75% of the target)",
    "agent.notify.event.emergency_update_due": "Emergency updates due",
    "agent.notify.event.account_request": "Account requests of the organizations I represent",
    "agent.notify.event.customer_reply": "Customer replies on tickets assigned to me",
    "agent.notify.event.emergency_on_call": "Emergencies for my team while I am on call (or lead it with nobody on call)",
    "agent.notify.event.emergency_filed": "Emergencies of the organizations I represent",
    "agent.notify.event.sla_breach": "Missed first-response targets of the teams I lead",
    "agent.notify.hint.sla_warning": "To the assignee, or to the whole team while nobody is assigned. The queue shows the countdown too.",
    "agent.notify.hint.emergency_update_due": "When an open emergency's customer has not heard from us for the configured time.",
    "agent.notify.hint.account_request": "The request is assigned to you and waits in your queue either way.",
    "agent.notify.hint.customer_reply": "The reply shows in the ticket and the queue either way.",
    "agent.notify.always": "Always mailed",
    "agent.notify.customers": "Everything customers are told about their requests",
    "agent.notify.save": "Save notifications",
    "agent.notify.saving": "Saving…",
  },
  es: {
    "agent.notify.title": "Notificaciones",
    "agent.notify.lead": "Elija qué correos recibe. Las emergencias y los incumplimientos siempre le llegan, y los clientes siempre reciben noticias de sus solicitudes.",
    "agent.notify.choose": "Enviarme correo sobre",
    "agent.notify.event.sla_warning": "Primeras respuestas que vencen pronto (75 % del plazo)",
    "agent.notify.event.emergency_update_due": "Actualizaciones de emergencias pendientes",
    "agent.notify.event.account_request": "Solicitudes de cuenta de las organizaciones que represento",
    "agent.notify.event.customer_reply": "Respuestas de clientes en tickets asignados a mí",
    "agent.notify.event.emergency_on_call": "Emergencias de mi equipo cuando estoy de guardia (o lo dirijo y no hay nadie de guardia)",
    "agent.notify.event.emergency_filed": "Emergencias de las organizaciones que represento",
    "agent.notify.event.sla_breach": "Plazos de primera respuesta incumplidos en los equipos que dirijo",
    "agent.notify.hint.sla_warning": "A quien la tiene asignada, o a todo el equipo mientras no la tiene nadie. La cola también muestra la cuenta atrás.",
    "agent.notify.hint.emergency_update_due": "Cuando el cliente de una emergencia abierta lleva el tiempo configurado sin noticias nuestras.",
    "agent.notify.hint.account_request": "La solicitud se le asigna y espera en su cola de todos modos.",
    "agent.notify.hint.customer_reply": "La respuesta aparece en el ticket y en la cola de todos modos.",
    "agent.notify.always": "Siempre por correo",
    "agent.notify.customers": "Todo lo que se dice a los clientes sobre sus solicitudes",
    "agent.notify.save": "Guardar notificaciones",
    "agent.notify.saving": "Guardando…",
  },
});
