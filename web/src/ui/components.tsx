// The small pieces every screen uses: labelled fields, alerts, badges,
// the SLA countdown and a loader hook.

import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useId, useState } from "preact/hooks";
import { ApiError } from "../lib/api";
import { useNow } from "../lib/clock";
import { t } from "../lib/i18n";
import { slaState } from "../lib/sla";
import { formatDateTime, formatDuration } from "../lib/time";
import type { Priority, Status, Ticket } from "../lib/types";
import "./strings";

/**
 * A labelled form control. CHILDREN receives the id to put on the control
 * and the ids of its hint and error for aria-describedby.
 */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string;
  level?: "required" | "recommended" | "optional";
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}) {
  const id = useId();
  const hintId = props.hint ? id + "-hint" : "";
  const errId = props.error ? id + "-err" : "";
  const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={"field" + (props.error ? " field-invalid" : "")}>
      <label for={id}>
        {props.label}
        {props.level === "required" && <span class="tag tag-required"> {t("common.required")}</span>}
        {props.level === "recommended" && <span class="tag tag-recommended"> {t("common.recommended")}</span>}
      </label>
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.children({ id, describedBy, invalid: !!props.error })}
      {props.error && (
        <p class="error" id={errId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Alert(props: { kind?: "error" | "info" | "success" | "warning"; children: ComponentChildren }) {
  const kind = props.kind ?? "info";
  return (
    <div class={"alert alert-" + kind} role={kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

/** The message to show for a failed call. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function StatusBadge({ status }: { status: Status | string }) {
  return <span class={"badge status-" + status}>{t("status." + status)}</span>;
}

export function PriorityBadge({ priority }: { priority: Priority | string }) {
  return <span class={"badge priority-" + priority}>{t("priority." + priority)}</span>;
}

/**
 * The first-response countdown: time left, amber from 75% of the business
 * time, red once due; "Responded" once a public staff reply went out.
 */
export function Countdown({ ticket }: { ticket: Pick<Ticket, "first_response_at" | "first_response_due_at" | "sla_warn_at"> }) {
  const now = useNow();
  const state = slaState(ticket, now);
  if (state === "met")
    return (
      <span class="sla sla-met" data-sla="met">
        {t("sla.met")}
      </span>
    );
  if (state === "none") return <span class="sla sla-none">{t("sla.none")}</span>;
  const left = Date.parse(ticket.first_response_due_at!) - now;
  const text = left > 0 ? t("sla.due_in", { time: formatDuration(left) }) : t("sla.overdue", { time: formatDuration(left) });
  return (
    <span class={"sla sla-" + state} data-sla={state} title={formatDateTime(ticket.first_response_due_at)}>
      <span class="visually-hidden">{t("sla." + state)}: </span>
      {text}
    </span>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  set: (d: T) => void;
}

/** Runs LOAD on mount and whenever DEPS change; reload() runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { data, error, loading, reload, set: setData };
}

/** Loading, error or the content. */
export function Loading<T>(props: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading } = props.state;
  if (error && data === undefined)
    return (
      <Alert kind="error">
        {t("common.error", { message: errorText(error) })}{" "}
        <button type="button" class="link" onClick={() => props.state.reload()}>
          {t("common.retry")}
        </button>
      </Alert>
    );
  if (data === undefined)
    return (
      <p class="muted" aria-busy={loading}>
        {t("common.loading")}
      </p>
    );
  return <>{props.children(data)}</>;
}

/** Sets the document title ("Ticket #12 · Switchboard"). */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Switchboard` : "Switchboard";
  }, [title]);
}
