// Users: everyone who signs in. The list with filters by role and team (kept
// in the address, so a filtered list can be bookmarked), a new user, and one
// user's page: name, role, language, teams, and whether they may sign in.

import { useState } from "preact/hooks";
import { api, query as q } from "../lib/api";
import { t } from "../lib/i18n";
import { navigate } from "../lib/router";
import { currentUser } from "../lib/session";
import type { Language, Org, Role, Team } from "../lib/types";
import { Alert, Field, Loading, useLoad, useTitle } from "../ui/components";
import {
  BackLink,
  FormError,
  Group,
  PageHead,
  PasswordChoice,
  ROLES,
  STAFF_ROLES,
  SaveStatus,
  ShowPasswordOnce,
  SubmitButton,
  choosePassword,
  fieldError,
  hasTeams,
  listUsers,
  roleName,
  teamName,
  useSave,
  useTeams,
  type AdminUser,
  type PasswordChoiceState,
} from "./common";

function useOrgs() {
  return useLoad(() => api.get<{ items: Org[] }>("/orgs").then((r) => r.data.items), []);
}

// ---- list -------------------------------------------------------------------

export function UserList(props: { query: URLSearchParams }) {
  useTitle(t("admin.users.title"));
  const role = props.query.get("role") ?? "";
  const team = props.query.get("team") ?? "";
  const teams = useTeams();
  const orgs = useOrgs();
  const users = useLoad(() => listUsers(q({ role, team })), [role, team]);
  const [text, setText] = useState("");

  function setFilter(k: "role" | "team", v: string) {
    const next = { role, team, [k]: v };
    navigate("/admin/users" + q(next), true);
  }

  const orgName = (id: number | null) => orgs.data?.find((o) => o.id === id)?.name ?? "";
  return (
    <>
      <PageHead title={t("admin.users.title")} lead={t("admin.users.lead")}>
        <a class="button button-primary" href={"/admin/users/new" + q({ role })}>
          {t("admin.users.add")}
        </a>
      </PageHead>
      <form class="admin-filters" role="search" aria-label={t("admin.users.filters")} onSubmit={(e) => e.preventDefault()}>
        <Field label={t("admin.users.role")}>
          {({ id }) => (
            <select id={id} value={role} onChange={(e) => setFilter("role", e.currentTarget.value)}>
              <option value="">{t("admin.users.all_roles")}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.users.team")}>
          {({ id }) => (
            <select id={id} value={team} onChange={(e) => setFilter("team", e.currentTarget.value)}>
              <option value="">{t("admin.users.all_teams")}</option>
              {teams.map((x) => (
                <option key={x.key} value={x.key}>
                  {teamName(teams, x.key)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.users.search")}>
          {({ id }) => <input id={id} type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
      </form>
      <Loading state={users}>
        {(list) => {
          const s = text.trim().toLowerCase();
          const shown = s ? list.filter((u) => u.name.toLowerCase().includes(s) || u.email.toLowerCase().includes(s)) : list;
          return (
            <>
              <p class="muted" role="status">
                {t("admin.users.count", { count: shown.length })}
              </p>
              {shown.length === 0 ? (
                <div class="card empty">
                  <p>{role || team || s ? t("admin.users.empty_filtered") : t("admin.users.empty")}</p>
                </div>
              ) : (
                <div class="table-wrap">
                  <table>
                    <caption class="visually-hidden">{t("admin.users.title")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.users.name")}</th>
                        <th scope="col" class="hide-narrow">
                          {t("admin.users.email")}
                        </th>
                        <th scope="col">{t("admin.users.role")}</th>
                        <th scope="col">{t("admin.users.where")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((u) => (
                        <tr key={u.id} class={u.disabled ? "row-disabled" : undefined}>
                          <td>
                            <a href={`/admin/users/${u.id}`}>{u.name}</a>
                            {u.disabled && (
                              <>
                                {" "}
                                <span class="badge">{t("admin.users.disabled")}</span>
                              </>
                            )}
                          </td>
                          <td class="hide-narrow">{u.email}</td>
                          <td>{roleName(u.role)}</td>
                          <td>
                            {u.role === "contact" ? (
                              <a href={`/admin/orgs/${u.org_id}`}>{orgName(u.org_id) || t("admin.users.org_n", { id: String(u.org_id) })}</a>
                            ) : hasTeams(u.role) ? (
                              u.teams.length ? (
                                u.teams.map((k) => teamName(teams, k)).join(", ")
                              ) : (
                                <span class="muted">{t("admin.users.no_team")}</span>
                              )
                            ) : (
                              <span class="muted">—</span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          );
        }}
      </Loading>
    </>
  );
}

// ---- shared controls ------------------------------------------------------------

function TeamChoice(props: { teams: Team[]; value: string[]; onChange: (v: string[]) => void; error?: string; role: string }) {
  return (
    <Group legend={t("admin.users.teams")} hint={t(props.role === "lead" ? "admin.users.teams_hint_lead" : "admin.users.teams_hint")} error={props.error} class="checks">
      {props.teams.map((x) => (
        <label key={x.key} class="choice">
          <input
            type="checkbox"
            name="teams"
            value={x.key}
            checked={props.value.includes(x.key)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.value, x.key] : props.value.filter((k) => k !== x.key))}
          />
          <span>{teamName(props.teams, x.key)}</span>
        </label>
      ))}
    </Group>
  );
}

function LanguageSelect(props: { value: Language; onChange: (l: Language) => void; error?: string }) {
  return (
    <Field label={t("admin.users.language")} hint={t("admin.users.language_hint")} error={props.error}>
      {({ id, describedBy }) => (
        <select id={id} name="language" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Language)} aria-describedby={describedBy}>
          <option value="en">{t("lang.en")}</option>
          <option value="es">{t("lang.es")}</option>
        </select>
      )}
    </Field>
  );
}

// ---- new --------------------------------------------------------------------

export function UserNew(props: { query: URLSearchParams }) {
  useTitle(t("admin.users.new"));
  const teams = useTeams();
  const orgs = useOrgs();
  const initialRole = (ROLES as string[]).includes(props.query.get("role") ?? "") ? (props.query.get("role") as Role) : "agent";
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(initialRole);
  const [orgId, setOrgId] = useState(props.query.get("org_id") ?? "");
  const [userTeams, setUserTeams] = useState<string[]>([]);
  const [language, setLanguage] = useState<Language>("en");
  const [pw, setPw] = useState<PasswordChoiceState>({ mode: "generate", value: "" });
  const [created, setCreated] = useState<{ user: AdminUser; password: string | null } | null>(null);
  const save = useSave();

  async function submit(e: Event) {
    e.preventDefault();
    const { password, generated } = choosePassword(pw);
    await save.run(async () => {
      const body: Record<string, unknown> = { email: email.trim(), name: name.trim(), role, language, password };
      if (role === "contact") body.org_id = orgId ? Number(orgId) : null;
      if (hasTeams(role)) body.teams = userTeams;
      const u = (await api.post<AdminUser>("/users", body)).data;
      setCreated({ user: u, password: generated ? password : null });
      return t("admin.users.created", { name: u.name });
    });
  }

  function another() {
    setCreated(null);
    setEmail("");
    setName("");
    setUserTeams([]);
    setPw({ mode: "generate", value: "" });
    save.setStatus("");
  }

  if (created)
    return (
      <>
        <BackLink href="/admin/users" label={t("admin.users.title")} />
        <PageHead title={t("admin.users.new")} />
        <div class="card narrow">
          <Alert kind="success">{t("admin.users.created", { name: created.user.name })}</Alert>
          {created.password && <ShowPasswordOnce email={created.user.email} password={created.password} />}
          <div class="actions">
            <a class="button button-primary" href={`/admin/users/${created.user.id}`}>
              {t("admin.users.open", { name: created.user.name })}
            </a>
            <button type="button" onClick={another}>
              {t("admin.users.another")}
            </button>
          </div>
        </div>
      </>
    );

  return (
    <>
      <BackLink href="/admin/users" label={t("admin.users.title")} />
      <PageHead title={t("admin.users.new")} />
      <form class="card narrow" onSubmit={submit} noValidate>
        <FormError error={save.error} known={["email", "name", "role", "org_id", "teams", "language", "password"]} />
        <Field label={t("admin.users.name")} error={fieldError(save.error, "name")}>
          {({ id, describedBy, invalid }) => (
            <input id={id} name="name" autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field label={t("admin.users.email")} hint={t("admin.users.email_hint")} error={fieldError(save.error, "email")}>
          {({ id, describedBy, invalid }) => (
            <input id={id} type="email" name="email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field label={t("admin.users.role")} hint={t("admin.users.role_hint." + role)} error={fieldError(save.error, "role")}>
          {({ id, describedBy, invalid }) => (
            <select id={id} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby={describedBy} aria-invalid={invalid}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleName(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === "contact" && (
          <Field label={t("admin.users.org")} hint={t("admin.users.org_hint")} error={fieldError(save.error, "org_id")}>
            {({ id, describedBy, invalid }) => (
              <select id={id} name="org_id" value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid}>
                <option value="">{t("admin.users.choose_org")}</option>
                {(orgs.data ?? []).map((o) => (
                  <option key={o.id} value={String(o.id)}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {hasTeams(role) && <TeamChoice teams={teams} value={userTeams} onChange={setUserTeams} error={fieldError(save.error, "teams")} role={role} />}
        <LanguageSelect value={language} onChange={setLanguage} error={fieldError(save.error, "language")} />
        <PasswordChoice state={pw} onChange={setPw} error={fieldError(save.error, "password")} />
        <div class="actions">
          <SubmitButton busy={save.busy} label={t("admin.users.create")} busyLabel={t("admin.form.creating")} />
          <a class="button" href="/admin/users">
            {t("common.cancel")}
          </a>
        </div>
        <SaveStatus message={save.status} />
      </form>
    </>
  );
}

// ---- one user -----------------------------------------------------------------

export function UserEdit(props: { id: string }) {
  const user = useLoad(() => api.get<AdminUser>(`/users/${encodeURIComponent(props.id)}`).then((r) => r.data), [props.id]);
  useTitle(user.data?.name ?? t("admin.users.title"));
  return (
    <>
      <BackLink href="/admin/users" label={t("admin.users.title")} />
      <Loading state={user}>{(u) => <UserPage user={u} onSaved={user.set} />}</Loading>
    </>
  );
}

function UserPage(props: { user: AdminUser; onSaved: (u: AdminUser) => void }) {
  const u = props.user;
  const teams = useTeams();
  const orgs = useOrgs();
  const self = currentUser()?.id === u.id;
  const [name, setName] = useState(u.name);
  const [role, setRole] = useState<Role>(u.role);
  const [language, setLanguage] = useState<Language>(u.language);
  const [userTeams, setUserTeams] = useState<string[]>(u.teams);
  const save = useSave();
  const access = useSave();

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body: Record<string, unknown> = { name: name.trim(), language };
      if (u.role !== "contact" && role !== u.role) body.role = role;
      if (hasTeams(role)) body.teams = userTeams;
      const saved = (await api.patch<AdminUser>(`/users/${u.id}`, body)).data;
      props.onSaved(saved);
      setUserTeams(saved.teams);
      setRole(saved.role);
      return t("admin.users.saved");
    });
  }

  async function setDisabled(disabled: boolean) {
    await access.run(async () => {
      const saved = (await api.patch<AdminUser>(`/users/${u.id}`, { disabled })).data;
      props.onSaved(saved);
      return disabled ? t("admin.users.disabled_done", { name: saved.name }) : t("admin.users.enabled_done", { name: saved.name });
    });
  }

  const org = u.role === "contact" ? orgs.data?.find((o) => o.id === u.org_id) : undefined;
  return (
    <>
      <PageHead title={u.name} lead={`${u.email} · ${roleName(u.role)}`} />
      {u.disabled && <Alert kind="warning">{t("admin.users.disabled_banner")}</Alert>}
      <div class="admin-columns">
        <section class="card" aria-labelledby="user-profile">
          <h2 id="user-profile">{t("admin.users.profile")}</h2>
          <form onSubmit={submit} noValidate>
            <FormError error={save.error} known={["name", "role", "language", "teams"]} />
            <dl class="details">
              <dt>{t("admin.users.email")}</dt>
              <dd>{u.email}</dd>
              {u.role === "contact" && (
                <>
                  <dt>{t("admin.users.org")}</dt>
                  <dd>
                    <a href={`/admin/orgs/${u.org_id}`}>{org?.name ?? t("admin.users.org_n", { id: String(u.org_id) })}</a>
                  </dd>
                </>
              )}
            </dl>
            <Field label={t("admin.users.name")} error={fieldError(save.error, "name")}>
              {({ id, describedBy, invalid }) => (
                <input id={id} name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
              )}
            </Field>
            {u.role !== "contact" && (
              <Field label={t("admin.users.role")} hint={self ? t("admin.users.role_self") : t("admin.users.role_hint." + role)} error={fieldError(save.error, "role")}>
                {({ id, describedBy, invalid }) => (
                  <select id={id} name="role" value={role} disabled={self} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby={describedBy} aria-invalid={invalid}>
                    {STAFF_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {roleName(r)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            {hasTeams(role) && <TeamChoice teams={teams} value={userTeams} onChange={setUserTeams} error={fieldError(save.error, "teams")} role={role} />}
            {!hasTeams(role) && hasTeams(u.role) && u.teams.length > 0 && <p class="hint">{t("admin.users.teams_dropped")}</p>}
            <LanguageSelect value={language} onChange={setLanguage} error={fieldError(save.error, "language")} />
            <div class="actions">
              <SubmitButton busy={save.busy} label={t("common.save")} />
            </div>
            <SaveStatus message={save.status} />
          </form>
        </section>
        <section class="card" aria-labelledby="user-access">
          <h2 id="user-access">{t("admin.users.access")}</h2>
          <p>
            {u.disabled ? <span class="badge">{t("admin.users.disabled")}</span> : <span class="badge badge-ok">{t("admin.users.active")}</span>}{" "}
            {u.disabled ? t("admin.users.disabled_explain") : t("admin.users.active_explain")}
          </p>
          {fieldError(access.error, "disabled") ? (
            <p class="error">{fieldError(access.error, "disabled")}</p>
          ) : (
            <FormError error={access.error} known={["disabled"]} />
          )}
          {self ? (
            <p class="hint">{t("admin.users.self_disable")}</p>
          ) : u.disabled ? (
            <button type="button" disabled={access.busy} aria-busy={access.busy} onClick={() => setDisabled(false)}>
              {t("admin.users.enable")}
            </button>
          ) : (
            <button type="button" class="button-danger" disabled={access.busy} aria-busy={access.busy} onClick={() => setDisabled(true)}>
              {t("admin.users.disable")}
            </button>
          )}
          <SaveStatus message={access.status} />
        </section>
      </div>
    </>
  );
}
