// Single-key shortcuts for the workspace, and the "?" help dialog listing
// them. A shortcut never fires while the user types in a field, with a
// modifier held, or while a dialog is open.

import { useEffect, useRef } from "preact/hooks";
import { t } from "../lib/i18n";

export type Handlers = Record<string, (e: KeyboardEvent) => void>;

/** Whether E comes from somewhere the user types. */
export function typing(e: Event): boolean {
  const el = e.target as HTMLElement | null;
  if (!el || !el.closest) return false;
  return !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

/** Calls HANDLERS[e.key] for unmodified key presses outside fields. */
export function useShortcuts(handlers: Handlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (typing(e)) return;
      if (document.querySelector("dialog[open]")) return;
      const fn = ref.current[e.key];
      if (fn) fn(e);
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

export interface Shortcut {
  keys: string[];
  label: string;
}

/**
 * The shortcut list as a modal dialog: focus moves into it, Escape or the
 * button closes it, and focus returns to where it was.
 */
export function ShortcutHelp(props: { open: boolean; onClose: () => void; shortcuts: Shortcut[] }) {
  const ref = useRef<HTMLDialogElement>(null);
  const back = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      back.current = document.activeElement;
      d.showModal();
      d.querySelector<HTMLElement>("button")?.focus();
    } else if (!props.open && d.open) {
      d.close();
    }
  }, [props.open]);
  function closed() {
    props.onClose();
    const el = back.current as HTMLElement | null;
    if (el && el.isConnected && typeof el.focus === "function") el.focus();
  }
  return (
    <dialog ref={ref} class="shortcut-help" aria-labelledby="shortcut-help-title" onClose={closed}>
      <div class="shortcut-help-head">
        <h2 id="shortcut-help-title">{t("agent.keys.title")}</h2>
        <button type="button" class="button-quiet" onClick={() => ref.current?.close()}>
          {t("agent.keys.close")}
        </button>
      </div>
      <p class="muted">{t("agent.keys.intro")}</p>
      <dl class="shortcut-list">
        {props.shortcuts.map((s) => (
          <div key={s.label}>
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && <span class="muted"> {t("agent.keys.or")} </span>}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
