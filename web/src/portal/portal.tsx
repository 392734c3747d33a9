// The support portal (customers): the landing page with the organization's
// tickets, the new-request form and a ticket's page.

import { t, useLanguage } from "../lib/i18n";
import { match } from "../lib/router";
import { useSession } from "../lib/session";
import { useTitle } from "../ui/components";
import { Home } from "./home";
import { NewRequest } from "./new-request";
import "./portal.css";
import "./strings";
import { TicketView } from "./ticket";

export function PortalApp(props: { path: string; query: URLSearchParams }) {
  useLanguage();
  const { user } = useSession();
  if (!user) return null;
  let m: Record<string, string> | null;
  if (match("/portal", props.path)) return <Home user={user} query={props.query} />;
  if (match("/portal/new", props.path)) return <NewRequest user={user} query={props.query} />;
  if ((m = match("/portal/tickets/:id", props.path)) && /^\d+$/.test(m.id))
    return <TicketView key={m.id} user={user} id={Number(m.id)} />;
  return <NotFound />;
}

function NotFound() {
  useTitle(t("common.notfound"));
  return (
    <section class="page portal">
      <div class="card empty">
        <h1>{t("portal.notfound.title")}</h1>
        <p>
          <a href="/portal">{t("portal.nav.home")}</a>
        </p>
      </div>
    </section>
  );
}
