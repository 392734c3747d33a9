// Teams: the five support teams that request types route to. Their names
// (English and Spanish: the portal and the workspace show them), who works
// each queue, and who is on call for its emergencies.

import { useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { pick, register, t } from "../lib/i18n";
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
      <OnCall team={team} members={members.data ?? []} onSaved={setTeam} />
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

/**
 * Who is alerted when an emergency is filed for the team: one enabled
 * member, or nobody (then its leads are).
 */
function OnCall(props: { team: Team; members: { id: number; name: string; role: string; disabled?: boolean }[]; onSaved: (t: Team) => void }) {
  const [choice, setChoice] = useState(String(props.team.on_call_id ?? ""));
  const save = useSave();
  const people = props.members.filter((u) => !u.disabled);
  const id = "on-call-" + props.team.key;

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const saved = (await api.patch<Team>(`/teams/${encodeURIComponent(props.team.key)}`, { on_call: choice ? Number(choice) : null })).data;
      props.onSaved(saved);
      setChoice(String(saved.on_call_id ?? ""));
      loadTeams(true);
    });
  }

  return (
    <form onSubmit={submit} noValidate class="team-on-call" aria-label={t("admin.teams.on_call_of", { team: pick(props.team, "name") })}>
      <FormError error={save.error} known={["on_call"]} />
      <Field label={t("admin.teams.on_call")} hint={t("admin.teams.on_call_hint")} error={fieldError(save.error, "on_call")}>
        {({ id: fieldId, describedBy, invalid }) => (
          <select id={fieldId} data-testid={id} value={choice} onChange={(e) => setChoice(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid}>
            <option value="">{t("admin.teams.on_call_none")}</option>
            {people.map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name} ({roleName(u.role)})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div class="actions">
        <SubmitButton busy={save.busy} label={t("admin.teams.save_on_call")} />
      </div>
      <SaveStatus message={save.status} />
    </form>
  );
}

register({
  en: {
    "admin.teams.on_call": "On call",
    "admin.teams.on_call_hint": "Alerted by mail, with the account representative, when an emergency is filed for this team.",
    "admin.teams.on_call_none": "Nobody: alert the team's leads",
    "admin.teams.on_call_of": "On call for {team}",
    "admin.teams.save_on_call": "Save on call",
  },
  es: {
    "admin.teams.on_call": "De guardia",
    "admin.teams.on_call_hint": "Recibe un correo, junto con el representante de cuenta, cuando se presenta una emergencia para este equipo.",
    "admin.teams.on_call_none": "Nadie: avisar a los responsables del equipo",
    "admin.teams.on_call_of": "De guardia en {team}",
    "admin.teams.save_on_call": "Guardar guardia",
  },
});
