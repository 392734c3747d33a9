// Organizations: the customers. The list, a new organization, and one
// organization's page: its details, its SPOC (chosen among its contacts) and
// account representative, and its contacts, to whom an admin adds people.

import { useEffect, useMemo, useState } from "preact/hooks";
import { api, query } from "../lib/api";
import { t } from "../lib/i18n";
import { navigate } from "../lib/router";
import type { Language, Org } from "../lib/types";
import { Alert, Field, Loading, useLoad, useTitle } from "../ui/components";
import {
  BackLink,
  FormError,
  PageHead,
  PasswordChoice,
  SaveStatus,
  ShowPasswordOnce,
  SubmitButton,
  choosePassword,
  fieldError,
  listUsers,
  useSave,
  type AdminUser,
  type PasswordChoiceState,
} from "./common";

// ---- list -------------------------------------------------------------------

export function OrgList() {
  useTitle(t("admin.orgs.title"));
  const state = useLoad(() => api.get<{ items: Org[] }>("/orgs").then((r) => r.data.items), []);
  const [filter, setFilter] = useState("");
  return (
    <>
      <PageHead title={t("admin.orgs.title")} lead={t("admin.orgs.lead")}>
        <a class="button button-primary" href="/admin/orgs/new">
          {t("admin.orgs.add")}
        </a>
      </PageHead>
      <Loading state={state}>
        {(orgs) => {
          if (orgs.length === 0)
            return (
              <div class="card empty">
                <p>{t("admin.orgs.empty")}</p>
                <p>
                  <a href="/admin/orgs/new">{t("admin.orgs.add_first")}</a>
                </p>
              </div>
            );
          const q = filter.trim().toLowerCase();
          const shown = q
            ? orgs.filter((o) => o.name.toLowerCase().includes(q) || o.member_id.toLowerCase().includes(q) || o.bidder_ids.some((b) => b.toLowerCase().includes(q)))
            : orgs;
          return (
            <>
              <div class="admin-filters">
                <Field label={t("admin.orgs.search")}>
                  {({ id }) => <input id={id} type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />}
                </Field>
              </div>
              <p class="muted" role="status">
                {t("admin.orgs.count", { count: shown.length })}
              </p>
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">{t("admin.orgs.title")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("admin.orgs.name")}</th>
                      <th scope="col">{t("admin.orgs.member_id")}</th>
                      <th scope="col">{t("admin.orgs.spoc")}</th>
                      <th scope="col">{t("admin.orgs.account_rep")}</th>
                      <th scope="col" class="hide-narrow">
                        {t("admin.orgs.language")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((o) => (
                      <tr key={o.id}>
                        <td>
                          <a href={`/admin/orgs/${o.id}`}>{o.name}</a>
                        </td>
                        <td>
                          <code>{o.member_id}</code>
                        </td>
                        <td>{o.spoc ? o.spoc.name : <span class="badge badge-warn">{t("admin.orgs.no_spoc")}</span>}</td>
                        <td>{o.account_rep ? o.account_rep.name : <span class="muted">{t("common.none")}</span>}</td>
                        <td class="hide-narrow">{t("lang." + o.language)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Loading>
    </>
  );
}

// ---- the form both pages share --------------------------------------------

interface OrgDraft {
  name: string;
  member_id: string;
  bidders: string;
  language: Language;
  spoc_id: string;
  account_rep_id: string;
}

function draftOf(o: Org | null): OrgDraft {
  return {
    name: o?.name ?? "",
    member_id: o?.member_id ?? "",
    bidders: o?.bidder_ids.join(", ") ?? "",
    language: o?.language ?? "en",
    spoc_id: o?.spoc ? String(o.spoc.id) : "",
    account_rep_id: o?.account_rep ? String(o.account_rep.id) : "",
  };
}

function bidderList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

const ORG_FIELDS = ["name", "member_id", "bidder_ids", "language", "spoc_id", "account_rep_id"];

function OrgFields(props: {
  draft: OrgDraft;
  set: (d: OrgDraft) => void;
  error: unknown;
  reps: AdminUser[];
  contacts: AdminUser[] | null;
}) {
  const { draft, set, error } = props;
  const up = (k: keyof OrgDraft) => (e: Event) => set({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <>
      <Field label={t("admin.orgs.name")} error={fieldError(error, "name")}>
        {({ id, describedBy, invalid }) => (
          <input id={id} name="name" required value={draft.name} onInput={up("name")} aria-describedby={describedBy} aria-invalid={invalid} />
        )}
      </Field>
      <div class="row">
        <Field label={t("admin.orgs.member_id")} hint={t("admin.orgs.member_id_hint")} error={fieldError(error, "member_id")}>
          {({ id, describedBy, invalid }) => (
            <input id={id} name="member_id" required value={draft.member_id} onInput={up("member_id")} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field label={t("admin.orgs.bidder_ids")} hint={t("admin.orgs.bidder_ids_hint")} error={fieldError(error, "bidder_ids")}>
          {({ id, describedBy, invalid }) => (
            <input id={id} name="bidder_ids" value={draft.bidders} onInput={up("bidders")} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
      </div>
      <Field label={t("admin.orgs.language")} hint={t("admin.orgs.language_hint")} error={fieldError(error, "language")}>
        {({ id, describedBy }) => (
          <select id={id} name="language" value={draft.language} onChange={up("language")} aria-describedby={describedBy}>
            <option value="en">{t("lang.en")}</option>
            <option value="es">{t("lang.es")}</option>
          </select>
        )}
      </Field>
      {props.contacts && (
        <Field
          label={t("admin.orgs.spoc_full")}
          hint={props.contacts.length ? t("admin.orgs.spoc_hint") : t("admin.orgs.spoc_hint_empty")}
          error={fieldError(error, "spoc_id")}
        >
          {({ id, describedBy, invalid }) => (
            <select id={id} name="spoc_id" value={draft.spoc_id} onChange={up("spoc_id")} aria-describedby={describedBy} aria-invalid={invalid}>
              <option value="">{t("admin.orgs.spoc_none")}</option>
              {props.contacts!.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.name} ({c.email}){c.disabled ? " — " + t("admin.users.disabled") : ""}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t("admin.orgs.account_rep")} hint={t("admin.orgs.rep_hint")} error={fieldError(error, "account_rep_id")}>
        {({ id, describedBy, invalid }) => (
          <select id={id} name="account_rep_id" value={draft.account_rep_id} onChange={up("account_rep_id")} aria-describedby={describedBy} aria-invalid={invalid}>
            <option value="">{t("common.none")}</option>
            {props.reps.map((r) => (
              <option key={r.id} value={String(r.id)}>
                {r.name} ({r.email})
              </option>
            ))}
          </select>
        )}
      </Field>
      {props.reps.length === 0 && (
        <p class="hint">
          {t("admin.orgs.no_reps")} <a href="/admin/users/new?role=account-rep">{t("admin.orgs.add_rep")}</a>
        </p>
      )}
    </>
  );
}

function useReps() {
  return useLoad(() => listUsers(query({ role: "account-rep" })), []);
}

// ---- new --------------------------------------------------------------------

export function OrgNew() {
  useTitle(t("admin.orgs.new"));
  const reps = useReps();
  const [draft, setDraft] = useState<OrgDraft>(draftOf(null));
  const save = useSave();
  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body: Record<string, unknown> = {
        name: draft.name.trim(),
        member_id: draft.member_id.trim(),
        bidder_ids: bidderList(draft.bidders),
        language: draft.language,
      };
      if (draft.account_rep_id) body.account_rep_id = Number(draft.account_rep_id);
      const created = (await api.post<Org>("/orgs", body)).data;
      navigate(`/admin/orgs/${created.id}?created=1`);
    });
  }
  return (
    <>
      <BackLink href="/admin/orgs" label={t("admin.orgs.title")} />
      <PageHead title={t("admin.orgs.new")} lead={t("admin.orgs.new_lead")} />
      <form class="card narrow" onSubmit={submit} noValidate>
        <FormError error={save.error} known={ORG_FIELDS} />
        <OrgFields draft={draft} set={setDraft} error={save.error} reps={reps.data ?? []} contacts={null} />
        <div class="actions">
          <SubmitButton busy={save.busy} label={t("admin.orgs.create")} busyLabel={t("admin.form.creating")} />
          <a class="button" href="/admin/orgs">
            {t("common.cancel")}
          </a>
        </div>
        <SaveStatus message={save.status} />
      </form>
    </>
  );
}

// ---- one organization --------------------------------------------------------

export function OrgEdit(props: { id: string }) {
  const org = useLoad(() => api.get<Org>(`/orgs/${encodeURIComponent(props.id)}`).then((r) => r.data), [props.id]);
  useTitle(org.data?.name ?? t("admin.orgs.title"));
  return (
    <>
      <BackLink href="/admin/orgs" label={t("admin.orgs.title")} />
      <Loading state={org}>{(o) => <OrgPage org={o} onSaved={org.set} />}</Loading>
    </>
  );
}

function OrgPage(props: { org: Org; onSaved: (o: Org) => void }) {
  const { org } = props;
  const reps = useReps();
  const contacts = useLoad(() => listUsers(query({ org_id: org.id, role: "contact" })), [org.id]);
  const [draft, setDraft] = useState<OrgDraft>(() => draftOf(org));
  const save = useSave();
  const justCreated = useMemo(() => new URLSearchParams(location.search).has("created"), []);
  // The welcome note is for the moment of creation, not for a later reload.
  useEffect(() => {
    if (justCreated) history.replaceState(null, "", location.pathname);
  }, [justCreated]);

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body = {
        name: draft.name.trim(),
        member_id: draft.member_id.trim(),
        bidder_ids: bidderList(draft.bidders),
        language: draft.language,
        spoc_id: draft.spoc_id ? Number(draft.spoc_id) : null,
        account_rep_id: draft.account_rep_id ? Number(draft.account_rep_id) : null,
      };
      const saved = (await api.patch<Org>(`/orgs/${org.id}`, body)).data;
      props.onSaved(saved);
      setDraft(draftOf(saved));
      return t("admin.orgs.saved");
    });
  }

  return (
    <>
      <PageHead title={org.name} lead={t("admin.orgs.member_lead", { id: org.member_id })} />
      {justCreated && !org.spoc && <Alert kind="success">{t("admin.orgs.created_next")}</Alert>}
      {!justCreated && !org.spoc && <Alert kind="warning">{t("admin.orgs.no_spoc_warning")}</Alert>}
      <div class="admin-columns">
        <section class="card" aria-labelledby="org-details">
          <h2 id="org-details">{t("admin.orgs.details")}</h2>
          <form onSubmit={submit} noValidate>
            <FormError error={save.error} known={ORG_FIELDS} />
            <OrgFields draft={draft} set={setDraft} error={save.error} reps={reps.data ?? []} contacts={contacts.data ?? []} />
            <div class="actions">
              <SubmitButton busy={save.busy} label={t("common.save")} />
            </div>
            <SaveStatus message={save.status} />
          </form>
        </section>
        <section class="card" aria-labelledby="org-contacts">
          <h2 id="org-contacts">{t("admin.orgs.contacts")}</h2>
          <Loading state={contacts}>{(list) => <ContactList contacts={list} spocId={org.spoc?.id ?? null} />}</Loading>
          <AddContact org={org} onAdded={() => contacts.reload()} />
        </section>
      </div>
    </>
  );
}

function ContactList(props: { contacts: AdminUser[]; spocId: number | null }) {
  if (props.contacts.length === 0) return <p class="muted">{t("admin.orgs.contacts_empty")}</p>;
  return (
    <ul class="people">
      {props.contacts.map((c) => (
        <li key={c.id}>
          <a href={`/admin/users/${c.id}`}>{c.name}</a>{" "}
          {c.id === props.spocId && <span class="badge badge-accent">{t("admin.orgs.spoc")}</span>}{" "}
          {c.disabled && <span class="badge">{t("admin.users.disabled")}</span>}
          <br />
          <span class="muted">{c.email}</span>
        </li>
      ))}
    </ul>
  );
}

function AddContact(props: { org: Org; onAdded: () => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [language, setLanguage] = useState<Language>(props.org.language);
  const [pw, setPw] = useState<PasswordChoiceState>({ mode: "generate", value: "" });
  const [shown, setShown] = useState<{ email: string; password: string } | null>(null);
  const save = useSave();
  async function submit(e: Event) {
    e.preventDefault();
    setShown(null);
    const { password, generated } = choosePassword(pw);
    await save.run(async () => {
      const u = (
        await api.post<AdminUser>("/users", {
          name: name.trim(),
          email: email.trim(),
          role: "contact",
          org_id: props.org.id,
          language,
          password,
        })
      ).data;
      if (generated) setShown({ email: u.email, password });
      setName("");
      setEmail("");
      setPw({ mode: "generate", value: "" });
      props.onAdded();
      return props.org.spoc ? t("admin.orgs.contact_added", { name: u.name }) : t("admin.orgs.contact_added_spoc", { name: u.name });
    });
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-contact">
      <h3 id="add-contact">{t("admin.orgs.add_contact")}</h3>
      <FormError error={save.error} known={["name", "email", "language", "password"]} />
      <Field label={t("admin.users.name")} error={fieldError(save.error, "name")}>
        {({ id, describedBy, invalid }) => (
          <input id={id} name="contact-name" autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
        )}
      </Field>
      <Field label={t("admin.users.email")} error={fieldError(save.error, "email")}>
        {({ id, describedBy, invalid }) => (
          <input id={id} type="email" name="contact-email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
        )}
      </Field>
      <Field label={t("admin.users.language")} error={fieldError(save.error, "language")}>
        {({ id, describedBy }) => (
          <select id={id} value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)} aria-describedby={describedBy}>
            <option value="en">{t("lang.en")}</option>
            <option value="es">{t("lang.es")}</option>
          </select>
        )}
      </Field>
      <PasswordChoice state={pw} onChange={setPw} error={fieldError(save.error, "password")} />
      <div class="actions">
        <SubmitButton busy={save.busy} label={t("admin.orgs.add_contact_submit")} busyLabel={t("admin.form.creating")} />
      </div>
      <SaveStatus message={save.status} />
      {shown && <ShowPasswordOnce email={shown.email} password={shown.password} />}
    </form>
  );
}
