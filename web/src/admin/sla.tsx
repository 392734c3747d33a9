// SLA settings: when agents are warned (a share of the time to the target)
// and how often an open emergency's customer must hear from us. The
// first-response targets themselves belong to the support process and are
// shown, not edited.

import { useState } from "preact/hooks";
import { api } from "../lib/api";
import { t } from "../lib/i18n";
import { Field, Loading, useLoad, useTitle } from "../ui/components";
import { FormError, PageHead, SaveStatus, SubmitButton, fieldError, useSave, type SlaSettings } from "./common";

/** A standard target is 9 working hours (docs/sla.md). */
const STANDARD_MINUTES = 9 * 60;

export function SlaPage() {
  useTitle(t("admin.sla.title"));
  const state = useLoad(() => api.get<SlaSettings>("/settings/sla").then((r) => r.data), []);
  return (
    <>
      <PageHead title={t("admin.sla.title")} lead={t("admin.sla.lead")} />
      <section class="card narrow" aria-labelledby="sla-targets">
        <h2 id="sla-targets">{t("admin.sla.targets")}</h2>
        <p class="hint">{t("admin.sla.targets_hint")}</p>
        <dl class="details targets">
          <dt>{t("priority.standard")}</dt>
          <dd>
            <strong>{t("admin.sla.standard_target")}</strong>
            <br />
            {t("admin.sla.standard_explain")} <a href="/admin/calendar">{t("admin.sla.calendar_link")}</a>
          </dd>
          <dt>{t("priority.emergency")}</dt>
          <dd>
            <strong>{t("admin.sla.emergency_target")}</strong>
            <br />
            {t("admin.sla.emergency_explain")}
          </dd>
        </dl>
      </section>
      <Loading state={state}>{(s) => <SlaForm saved={s} onSaved={state.set} />}</Loading>
    </>
  );
}

/** "6h 45m", "2h", "48m". */
function minutesText(m: number): string {
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h && rest) return `${h}h ${rest}m`;
  return h ? `${h}h` : `${rest}m`;
}

function SlaForm(props: { saved: SlaSettings; onSaved: (s: SlaSettings) => void }) {
  const [warn, setWarn] = useState(String(props.saved.warn_percent));
  const [update, setUpdate] = useState(String(props.saved.emergency_update_minutes));
  const save = useSave();
  const w = Number(warn);
  const u = Number(update);
  const warnOk = warn.trim() !== "" && Number.isFinite(w) && w > 0 && w < 100;
  const updateOk = update.trim() !== "" && Number.isFinite(u) && u > 0;

  async function submit(e: Event) {
    e.preventDefault();
    await save.run(async () => {
      const body = { warn_percent: warn.trim() === "" ? null : Number(warn), emergency_update_minutes: update.trim() === "" ? null : Number(update) };
      const saved = (await api.put<SlaSettings>("/settings/sla", body)).data;
      props.onSaved(saved);
      setWarn(String(saved.warn_percent));
      setUpdate(String(saved.emergency_update_minutes));
    });
  }

  return (
    <form class="card narrow" onSubmit={submit} noValidate aria-labelledby="sla-settings">
      <h2 id="sla-settings">{t("admin.sla.settings")}</h2>
      <FormError error={save.error} known={["warn_percent", "emergency_update_minutes"]} />
      <Field label={t("admin.sla.warn")} hint={t("admin.sla.warn_hint")} error={fieldError(save.error, "warn_percent")}>
        {({ id, describedBy, invalid }) => (
          <div class="inline-controls unit">
            <input id={id} name="warn_percent" type="number" inputMode="numeric" min={1} max={99} step={1} value={warn} onInput={(e) => setWarn(e.currentTarget.value)} aria-describedby={[describedBy, "sla-warn-example"].filter(Boolean).join(" ")} aria-invalid={invalid} />
            <span aria-hidden="true">%</span>
          </div>
        )}
      </Field>
      <p class="example" id="sla-warn-example" aria-live="polite">
        {warnOk ? t("admin.sla.warn_example", { percent: String(w), time: minutesText(Math.round((STANDARD_MINUTES * w) / 100)), emergency: minutesText(Math.round((60 * w) / 100)) }) : ""}
      </p>
      <Field label={t("admin.sla.update")} hint={t("admin.sla.update_hint")} error={fieldError(save.error, "emergency_update_minutes")}>
        {({ id, describedBy, invalid }) => (
          <div class="inline-controls unit">
            <input id={id} name="emergency_update_minutes" type="number" inputMode="numeric" min={15} max={1440} step={1} value={update} onInput={(e) => setUpdate(e.currentTarget.value)} aria-describedby={[describedBy, "sla-update-example"].filter(Boolean).join(" ")} aria-invalid={invalid} />
            <span aria-hidden="true">{t("admin.sla.minutes")}</span>
          </div>
        )}
      </Field>
      <p class="example" id="sla-update-example" aria-live="polite">
        {updateOk ? t("admin.sla.update_example", { time: minutesText(u) }) : ""}
      </p>
      <div class="actions">
        <SubmitButton busy={save.busy} label={t("common.save")} />
      </div>
      <SaveStatus message={save.status} />
    </form>
  );
}
