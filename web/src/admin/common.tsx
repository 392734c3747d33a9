// Pieces the admin screens share: the shapes of the admin endpoints, field
// errors from the server, the save button with its status line, the
// password chooser, and small caches of teams and people.

import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError, api } from "../lib/api";
import { pick, t } from "../lib/i18n";
import type { Role, Team, User } from "../lib/types";
import { Alert, errorText } from "../ui/components";
import "./strings";

export interface AdminUser extends User {
  disabled: boolean;
}

export interface CalendarSettings {
  timezone: string;
  hours: string;
  holidays: string;
  holidays_default: boolean;
}

export interface CalendarPreview {
  at: string;
  standard_due_at: string;
  emergency_due_at: string;
  open_now: boolean;
  timezone: string;
}

export interface SlaSettings {
  warn_percent: number;
  emergency_update_minutes: number;
}

export const ROLES: Role[] = ["admin", "lead", "agent", "account-rep", "contact"];
export const STAFF_ROLES: Role[] = ["admin", "lead", "agent", "account-rep"];

export function roleName(r: string): string {
  return t("admin.role." + r);
}

/** Agents and leads work team queues; no other role is in a team. */
export function hasTeams(r: string): boolean {
  return r === "agent" || r === "lead";
}

/** The server's message for field NAME of a failed call, if it named that field. */
export function fieldError(err: unknown, name: string): string | undefined {
  return err instanceof ApiError ? err.field(name) : undefined;
}

/**
 * The error of a failed save, for the top of a form: the message, and any
 * field errors no control on the form shows (KNOWN are those it shows).
 */
export function FormError(props: { error: unknown; known: string[] }) {
  const e = props.error;
  if (!e) return null;
  if (e instanceof ApiError && e.status === 422) {
    const rest = e.fields.filter((f) => !props.known.some((k) => f.name === k || f.name.startsWith(k + ".") || f.name.startsWith(k + "[")));
    return (
      <Alert kind="error">
        {t("admin.form.invalid")}
        {rest.length > 0 && (
          <ul>
            {rest.map((f) => (
              <li key={f.name}>
                {f.name}: {f.message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
    );
  }
  return <Alert kind="error">{t("common.error", { message: errorText(e) })}</Alert>;
}

/**
 * The status line under a form: always in the page (so screen readers
 * announce what appears in it), showing "Saved." or what the caller says.
 */
export function SaveStatus(props: { message: string }) {
  return (
    <p role="status" class={"save-status" + (props.message ? " save-status-on" : "")}>
      {props.message}
    </p>
  );
}

/** A submit button that says what it is doing. */
export function SubmitButton(props: { busy: boolean; label: string; busyLabel?: string; disabled?: boolean }) {
  return (
    <button type="submit" class="button-primary" disabled={props.busy || props.disabled} aria-busy={props.busy}>
      {props.busy ? (props.busyLabel ?? t("admin.form.saving")) : props.label}
    </button>
  );
}

/**
 * Runs a save: busy while it runs, the error kept for the fields, a status
 * message on success that clears after a while. The form's values are the
 * caller's and are never reset on error.
 */
export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  async function run(fn: () => Promise<string | void>) {
    setBusy(true);
    setError(null);
    setStatus("");
    clearTimeout(timer.current);
    try {
      const msg = await fn();
      setStatus(msg || t("common.saved"));
      timer.current = window.setTimeout(() => setStatus(""), 8000);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, status, run, setError, setStatus };
}

/** A group of controls with a legend, a hint and the server's error. */
export function Group(props: { legend: string; hint?: string; error?: string; class?: string; children: ComponentChildren }) {
  const id = useId();
  const describedBy = [props.hint ? id + "-hint" : "", props.error ? id + "-err" : ""].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset class={(props.class ?? "") + (props.error ? " field-invalid" : "")} aria-describedby={describedBy}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={id + "-hint"}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.error && (
        <p class="error" id={id + "-err"}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

// ---- passwords -----------------------------------------------------------

const ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** 18 characters from an alphabet without look-alikes: about 104 bits. */
export function generatePassword(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  let out = "";
  // 256 is not a multiple of the alphabet's size: skip the biased top values.
  for (let i = 0; out.length < 18; i++) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes);
      i = 0;
    }
    const b = bytes[i];
    if (b < 256 - (256 % ALPHABET.length)) out += ALPHABET[b % ALPHABET.length];
  }
  return out.replace(/(.{6})(?=.)/g, "$1-");
}

export interface PasswordChoiceState {
  mode: "generate" | "set";
  value: string;
}

/** "Generate a password" (shown once after saving) or "Set a password". */
export function PasswordChoice(props: { state: PasswordChoiceState; onChange: (s: PasswordChoiceState) => void; error?: string }) {
  const id = useId();
  const { mode, value } = props.state;
  return (
    <Group legend={t("admin.password.legend")} error={props.error}>
      <label class="choice">
        <input type="radio" name={id} checked={mode === "generate"} onChange={() => props.onChange({ mode: "generate", value })} />
        <span>{t("admin.password.generate")}</span>
      </label>
      <label class="choice">
        <input type="radio" name={id} checked={mode === "set"} onChange={() => props.onChange({ mode: "set", value })} />
        <span>{t("admin.password.set")}</span>
      </label>
      {mode === "set" && (
        <div class="field nested">
          <label for={id + "-pw"}>{t("admin.password.label")}</label>
          <p class="hint" id={id + "-pw-hint"}>
            {t("admin.password.hint")}
          </p>
          <input
            id={id + "-pw"}
            type="password"
            name="new-password"
            autoComplete="new-password"
            minLength={10}
            aria-describedby={id + "-pw-hint"}
            aria-invalid={!!props.error}
            value={value}
            onInput={(e) => props.onChange({ mode, value: e.currentTarget.value })}
          />
        </div>
      )}
    </Group>
  );
}

/** The password the form will send: typed, or generated now. */
export function choosePassword(s: PasswordChoiceState): { password: string; generated: boolean } {
  return s.mode === "set" ? { password: s.value, generated: false } : { password: generatePassword(), generated: true };
}

/** The one time a generated password is shown, with a copy button. */
export function ShowPasswordOnce(props: { email: string; password: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.password);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div class="alert alert-warning once">
      <p>{t("admin.password.once", { email: props.email })}</p>
      <p class="once-value">
        <code data-testid="generated-password">{props.password}</code>{" "}
        <button type="button" onClick={copy}>
          {copied ? t("admin.password.copied") : t("admin.password.copy")}
        </button>
      </p>
    </div>
  );
}

// ---- shared lists ----------------------------------------------------------

let teamsCache: Promise<Team[]> | null = null;

/** The five teams (cached for the page's life; refresh() after renaming one). */
export function loadTeams(refresh = false): Promise<Team[]> {
  if (!teamsCache || refresh) {
    teamsCache = api.get<{ items: Team[] }>("/teams").then((r) => r.data.items);
    teamsCache.catch(() => {
      teamsCache = null;
    });
  }
  return teamsCache;
}

export function useTeams(): Team[] {
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    let live = true;
    loadTeams().then(
      (x) => live && setTeams(x),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return teams;
}

export function teamName(teams: Team[], key: string | null | undefined): string {
  if (!key) return "";
  const team = teams.find((x) => x.key === key);
  return team ? pick(team, "name") : key;
}

export async function listUsers(params: string): Promise<AdminUser[]> {
  return (await api.get<{ items: AdminUser[] }>("/users" + params)).data.items;
}

/** A heading row: the page title and its main action. */
export function PageHead(props: { title: string; children?: ComponentChildren; lead?: string }) {
  return (
    <div class="admin-head">
      <div>
        <h1>{props.title}</h1>
        {props.lead && <p class="muted admin-lead">{props.lead}</p>}
      </div>
      {props.children && <div class="actions">{props.children}</div>}
    </div>
  );
}

/** "Back to …" above a detail page. */
export function BackLink(props: { href: string; label: string }) {
  return (
    <p class="admin-back">
      <a href={props.href}>← {props.label}</a>
    </p>
  );
}
