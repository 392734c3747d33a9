// Request types: what the support form offers, in the order it offers them.
// Each type's names and hints (English and Spanish), its team, and what
// customers must or should give, said back in plain words as the admin
// changes it.

import { useMemo, useState } from "preact/hooks";
import { api } from "../lib/api";
import { language, pick, t } from "../lib/i18n";
import type { FieldLevel, RequestType } from "../lib/types";
import { Field, Loading, useLoad, useTitle } from "../ui/components";
import { BackLink, FormError, Group, PageHead, SaveStatus, SubmitButton, fieldError, teamName, useSave, useTeams } from "./common";

/** The field vocabulary in the order the portal's form asks (unknown keys follow). */
const FIELD_ORDER = ["subject", "description", "impact", "object_ids", "steps", "urls", "browser", "os", "attachments", "business_justification"];
/** Every ticket has a subject and a description: the server refuses anything else. */
const ALWAYS_REQUIRED = ["subject", "description"];
const LEVELS: FieldLevel[] = ["required", "recommended", "optional"];
const OBJECT_TYPES = ["creative", "member", "bidder", "placement", "line_item", "insertion_order", "advertiser", "publisher", "site", "segment", "deal", "campaign", "report"];

function fieldLabel(key: string): string {
  const s = t("admin.field." + key);
  return s === "admin.field." + key ? key : s;
}

function orderedFields(fields: Record<string, FieldLevel>): string[] {
  const keys = Object.keys(fields);
  return [...FIELD_ORDER.filter((k) => keys.includes(k)), ...keys.filter((k) => !FIELD_ORDER.includes(k)).sort()];
}

/** "a, b and c" in the UI language. */
function listText(items: string[]): string {
  try {
    return new Intl.ListFormat(language(), { type: "conjunction" }).format(items);
  } catch {
    return items.join(", ");
  }
}

function isRouted(rt: RequestType): boolean {
  return rt.kind !== "account";
}

// ---- list ---------------------------------------------------------------------

export function TypeList() {
  useTitle(t("admin.types.title"));
  const teams = useTeams();
  const state = useLoad(() => api.get<{ items: RequestType[] }>("/request-types").then((r) => [...r.data.items].sort((a, b) => a.position - b.position)), []);
  return (
    <>
      <PageHead title={t("admin.types.title")} lead={t("admin.types.lead")} />
      <Loading state={state}>
        {(types) => (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{t("admin.types.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.types.name")}</th>
                  <th scope="col">{t("admin.types.kind")}</th>
                  <th scope="col">{t("admin.types.goes_to")}</th>
                  <th scope="col" class="hide-narrow">
                    {t("admin.types.must_give")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {types.map((rt) => {
                  const required = orderedFields(rt.fields).filter((k) => rt.fields[k] === "required" && !ALWAYS_REQUIRED.includes(k));
                  return (
                    <tr key={rt.key}>
                      <td>
                        <a href={`/admin/types/${encodeURIComponent(rt.key)}`}>{pick(rt, "name")}</a>
                        <br />
                        <code class="muted key">{rt.key}</code>
                      </td>
                      <td>
                        <span class={"badge" + (isRouted(rt) ? "" : " badge-accent")}>{isRouted(rt) ? t("admin.types.kind_support") : t("admin.types.kind_account")}</span>
                      </td>
                      <td>{isRouted(rt) ? teamName(teams, rt.team) : t("admin.types.account_rep")}</td>
                      <td class="hide-narrow">{required.length ? listText(required.map(fieldLabel)) : <span class="muted">{t("admin.types.basics_only")}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loading>
    </>
  );
}

// ---- one type -----------------------------------------------------------------

export function TypeEdit(props: { typeKey: string }) {
  const state = useLoad(() => api.get<RequestType>(`/request-types/${encodeURIComponent(props.typeKey)}`).then((r) => r.data), [props.typeKey]);
  useTitle(state.data ? pick(state.data, "name") : t("admin.types.title"));
  return (
    <>
      <BackLink href="/admin/types" label={t("admin.types.title")} />
      <Loading state={state}>{(rt) => <TypeForm type={rt} onSaved={state.set} />}</Loading>
    </>
  );
}

function TypeForm(props: { type: RequestType; onSaved: (rt: RequestType) => void }) {
  const rt = props.type;
  const teams = useTeams();
  const [names, setNames] = useState({ name_en: rt.name_en, name_es: rt.name_es, hint_en: rt.hint_en, hint_es: rt.hint_es });
  const [team, setTeam] = useState(rt.team ?? "");
  const [objectType, setObjectType] = useState(rt.required_object_type ?? "");
  const [fields, setFields] = useState<Record<string, FieldLevel>>(rt.fields);
  const save = useSave();
  const keys = useMemo(() => orderedFields(rt.fields), [rt]);
  const routed = isRouted(rt);

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body: Record<string, unknown> = {
        name_en: names.name_en.trim(),
        name_es: names.name_es.trim(),
        hint_en: names.hint_en.trim(),
        hint_es: names.hint_es.trim(),
        required_object_type: objectType || null,
        fields,
      };
      if (routed) body.team = team;
      const saved = (await api.patch<RequestType>(`/request-types/${encodeURIComponent(rt.key)}`, body)).data;
      props.onSaved(saved);
      setFields(saved.fields);
      return t("admin.types.saved");
    });
  }

  const text = (k: keyof typeof names, multiline = false) => (
    <Field label={t("admin.types." + k)} error={fieldError(save.error, k)}>
      {({ id, describedBy, invalid }) =>
        multiline ? (
          <textarea id={id} lang={k.endsWith("es") ? "es" : "en"} rows={4} value={names[k]} onInput={(e) => setNames({ ...names, [k]: e.currentTarget.value })} aria-describedby={describedBy} aria-invalid={invalid} />
        ) : (
          <input id={id} lang={k.endsWith("es") ? "es" : "en"} value={names[k]} onInput={(e) => setNames({ ...names, [k]: e.currentTarget.value })} aria-describedby={describedBy} aria-invalid={invalid} />
        )
      }
    </Field>
  );

  return (
    <>
      <PageHead title={pick(rt, "name")} lead={routed ? t("admin.types.lead_routed", { team: teamName(teams, rt.team) }) : t("admin.types.lead_account")} />
      <form onSubmit={submit} noValidate>
        <FormError error={save.error} known={["name_en", "name_es", "hint_en", "hint_es", "team", "required_object_type", "fields"]} />
        <div class="admin-columns wide-main">
          <div>
            <section class="card" aria-labelledby="type-words">
              <h2 id="type-words">{t("admin.types.wording")}</h2>
              <div class="row">
                {text("name_en")}
                {text("name_es")}
              </div>
              <div class="row">
                {text("hint_en", true)}
                {text("hint_es", true)}
              </div>
              {routed ? (
                <Field label={t("admin.types.team")} hint={t("admin.types.team_hint")} error={fieldError(save.error, "team")}>
                  {({ id, describedBy, invalid }) => (
                    <select id={id} value={team} onChange={(e) => setTeam(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid}>
                      {teams.map((x) => (
                        <option key={x.key} value={x.key}>
                          {teamName(teams, x.key)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ) : (
                <p class="hint">{t("admin.types.account_explain")}</p>
              )}
            </section>
            <section class="card" aria-labelledby="type-fields">
              <h2 id="type-fields">{t("admin.types.fields")}</h2>
              <p class="hint">{t("admin.types.fields_hint")}</p>
              {fieldError(save.error, "fields") && <p class="error">{fieldError(save.error, "fields")}</p>}
              <div class="levels">
                {keys.map((k) => {
                  const locked = ALWAYS_REQUIRED.includes(k);
                  return (
                    <Group key={k} legend={fieldLabel(k)} error={fieldError(save.error, "fields." + k)} class="level-row">
                      <div class="level-choices">
                        {LEVELS.map((l) => (
                          <label key={l} class="choice">
                            <input
                              type="radio"
                              name={"level-" + k}
                              value={l}
                              checked={fields[k] === l}
                              disabled={locked && l !== "required"}
                              onChange={() => setFields({ ...fields, [k]: l })}
                            />
                            <span>{t("admin.level." + l)}</span>
                          </label>
                        ))}
                      </div>
                    </Group>
                  );
                })}
              </div>
              <Field label={t("admin.types.object_type")} hint={t("admin.types.object_type_hint")} error={fieldError(save.error, "required_object_type")}>
                {({ id, describedBy, invalid }) => (
                  <select id={id} value={objectType} onChange={(e) => setObjectType(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid}>
                    <option value="">{t("admin.types.object_type_none")}</option>
                    {OBJECT_TYPES.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </section>
          </div>
          <aside class="card effect" aria-labelledby="type-effect">
            <h2 id="type-effect">{t("admin.types.effect")}</h2>
            <Effect fields={fields} keys={keys} objectType={objectType} />
            <div class="actions">
              <SubmitButton busy={save.busy} label={t("common.save")} />
            </div>
            <SaveStatus message={save.status} />
          </aside>
        </div>
      </form>
    </>
  );
}

/** What the levels mean for the customer, in words. */
function Effect(props: { fields: Record<string, FieldLevel>; keys: string[]; objectType: string }) {
  const of = (l: FieldLevel) => props.keys.filter((k) => props.fields[k] === l).map(fieldLabel);
  const required = of("required");
  const recommended = of("recommended");
  const optional = of("optional");
  return (
    <div aria-live="polite" data-testid="type-effect">
      <p>
        <strong>{t("admin.types.effect_required")}</strong> {listText(required)}
        {props.objectType ? t("admin.types.effect_object", { type: props.objectType }) : ""}.
      </p>
      <p class="muted">{t("admin.types.effect_required_why")}</p>
      {recommended.length > 0 && (
        <p>
          <strong>{t("admin.types.effect_recommended")}</strong> {listText(recommended)}.
        </p>
      )}
      {recommended.length > 0 && <p class="muted">{t("admin.types.effect_recommended_why")}</p>}
      {optional.length > 0 && (
        <p>
          <strong>{t("admin.types.effect_optional")}</strong> {listText(optional)}.
        </p>
      )}
    </div>
  );
}
