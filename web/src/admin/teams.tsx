// Teams: the five support teams that request types route to. Their names
// (English and Spanish: the portal and the workspace show them) and who
// works each queue.

import { useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { pick, t } from "../lib/i18n";
import type { Team } from "../lib/types";
import { Field, Loading, useLoad, useTitle } from "../ui/components";
import { FormError, PageHead, SaveStatus, SubmitButton, fieldError, listUsers, loadTeams, roleName, useSave } from "./common";

export function TeamsPage() {
  useTitle(t("admin.teams.title"));
  const teams = useLoad(() => loadTeams(), []);
  return (
    <>
      <PageHead title={t("admin.teams.title")} lead={t("admin.teams.lead")} />
      <Loading state={teams}>
        {(list) => (
          <div class="team-list">
            {list.map((x) => (
              <TeamCard key={x.key} team={x} />
            ))}
          </div>
        )}
      </Loading>
    </>
  );
}

function TeamCard(props: { team: Team }) {
  const [team, setTeam] = useState(props.team);
  const [en, setEn] = useState(team.name_en);
  const [es, setEs] = useState(team.name_es);
  const save = useSave();
  const members = useLoad(() => listUsers(query({ team: team.key })), [team.key]);
  const headingId = "team-" + team.key;

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const saved = (await api.patch<Team>(`/teams/${encodeURIComponent(team.key)}`, { name_en: en.trim(), name_es: es.trim() })).data;
      setTeam(saved);
      setEn(saved.name_en);
      setEs(saved.name_es);
      loadTeams(true);
    });
  }

  return (
    <section class="card team" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {pick(team, "name")} <code class="muted key">{team.key}</code>
      </h2>
      <form onSubmit={submit} noValidate aria-label={t("admin.teams.names_of", { team: pick(team, "name") })}>
        <FormError error={save.error} known={["name_en", "name_es"]} />
        <div class="row">
          <Field label={t("admin.teams.name_en")} error={fieldError(save.error, "name_en")}>
            {({ id, describedBy, invalid }) => (
              <input id={id} lang="en" value={en} onInput={(e) => setEn(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
            )}
          </Field>
          <Field label={t("admin.teams.name_es")} error={fieldError(save.error, "name_es")}>
            {({ id, describedBy, invalid }) => (
              <input id={id} lang="es" value={es} onInput={(e) => setEs(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
            )}
          </Field>
        </div>
        <div class="actions">
          <SubmitButton busy={save.busy} label={t("admin.teams.save_names")} />
          <a href={"/admin/users?team=" + encodeURIComponent(team.key)}>{t("admin.teams.manage")}</a>
        </div>
        <SaveStatus message={save.status} />
      </form>
      <h3>{t("admin.teams.members")}</h3>
      <Loading state={members}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">
              {t("admin.teams.no_members")} <a href="/admin/users/new?role=agent">{t("admin.teams.add_agent")}</a>
            </p>
          ) : (
            <ul class="people people-inline">
              {list.map((u) => (
                <li key={u.id}>
                  <a href={`/admin/users/${u.id}`}>{u.name}</a> <span class="muted">{roleName(u.role)}</span>
                  {u.disabled && <span class="badge"> {t("admin.users.disabled")}</span>}
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}
