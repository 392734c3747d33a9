// The admin area: organizations, users, teams, request types, the business
// calendar and SLA settings, behind a side navigation that folds above the
// content at phone width. Only admins reach it (app.tsx sends anyone else
// to their own area).

import { t, useLanguage } from "../lib/i18n";
import { match } from "../lib/router";
import { useTitle } from "../ui/components";
import "./admin.css";
import { CalendarPage } from "./calendar";
import { MailPage } from "./mail";
import { PageHead } from "./common";
import { OrgEdit, OrgList, OrgNew } from "./orgs";
import { SlaPage } from "./sla";
import "./strings";
import { TeamsPage } from "./teams";
import { TypeEdit, TypeList } from "./types";
import { UserEdit, UserList, UserNew } from "./users";
import { WebhookEdit, WebhookListPage, WebhookNew } from "./webhooks";

const SECTIONS = ["orgs", "users", "teams", "types", "calendar", "sla", "webhooks", "mail"] as const;

function route(path: string, query: URLSearchParams) {
  let m: Record<string, string> | null;
  if (match("/admin", path)) return <Overview />;
  if (match("/admin/orgs", path)) return <OrgList />;
  if (match("/admin/orgs/new", path)) return <OrgNew />;
  if ((m = match("/admin/orgs/:id", path))) return <OrgEdit key={m.id} id={m.id} />;
  if (match("/admin/users", path)) return <UserList query={query} />;
  if (match("/admin/users/new", path)) return <UserNew query={query} />;
  if ((m = match("/admin/users/:id", path))) return <UserEdit key={m.id} id={m.id} />;
  if (match("/admin/teams", path)) return <TeamsPage />;
  if (match("/admin/types", path)) return <TypeList />;
  if ((m = match("/admin/types/:key", path))) return <TypeEdit key={m.key} typeKey={m.key} />;
  if (match("/admin/calendar", path)) return <CalendarPage />;
  if (match("/admin/sla", path)) return <SlaPage />;
  if (match("/admin/mail", path)) return <MailPage />;
  if (match("/admin/webhooks", path)) return <WebhookListPage />;
  if (match("/admin/webhooks/new", path)) return <WebhookNew />;
  if ((m = match("/admin/webhooks/:id", path))) return <WebhookEdit key={m.id} id={m.id} />;
  return <NotFound />;
}

export function AdminApp(props: { path: string; query: URLSearchParams }) {
  useLanguage();
  const current = props.path.split("/")[2] ?? "";
  return (
    <div class="page admin">
      <nav class="admin-nav" aria-label={t("admin.nav.label")}>
        <ul>
          <li>
            <a href="/admin" aria-current={current === "" ? "page" : undefined}>
              {t("admin.nav.overview")}
            </a>
          </li>
          {SECTIONS.map((s) => (
            <li key={s}>
              <a href={"/admin/" + s} aria-current={current === s ? "page" : undefined}>
                {t("admin.nav." + s)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="admin-content">{route(props.path, props.query)}</div>
    </div>
  );
}

function Overview() {
  useTitle(t("admin.overview.title"));
  return (
    <>
      <PageHead title={t("admin.overview.title")} lead={t("admin.overview.lead")} />
      <ul class="admin-cards">
        {SECTIONS.map((s) => (
          <li key={s} class="card">
            <h2>
              <a href={"/admin/" + s}>{t("admin.nav." + s)}</a>
            </h2>
            <p class="muted">{t("admin.overview." + s)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

function NotFound() {
  useTitle(t("common.notfound"));
  return (
    <>
      <h1>{t("common.notfound")}</h1>
      <p>
        <a href="/admin">{t("admin.nav.overview")}</a>
      </p>
    </>
  );
}
