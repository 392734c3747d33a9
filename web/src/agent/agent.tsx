// The agent workspace (staff: agents, leads, account representatives,
// admins): the queue at /agent, a ticket at /agent/tickets/:id, and one's
// notification settings at /agent/settings.

import { t, useLanguage } from "../lib/i18n";
import { match } from "../lib/router";
import { useTitle } from "../ui/components";
import "./agent.css";
import { Queue } from "./queue";
import { NotificationSettings } from "./settings";
import "./strings";
import { TicketView } from "./ticket";

export function AgentApp(props: { path: string; query: URLSearchParams }) {
  useLanguage();
  const m = match("/agent/tickets/:id", props.path);
  if (m && /^\d+$/.test(m.id)) return <TicketView key={m.id} id={Number(m.id)} />;
  if (props.path === "/agent" || props.path === "/agent/") return <Queue query={props.query} />;
  if (props.path === "/agent/settings") return <NotificationSettings />;
  return <NotFound />;
}

function NotFound() {
  useTitle(t("common.notfound"));
  return (
    <section class="page">
      <h1>{t("common.notfound")}</h1>
      <p>
        <a href="/agent">{t("agent.ticket.back")}</a>
      </p>
    </section>
  );
}
