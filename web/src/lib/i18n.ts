// English and Spanish. Each area of the app registers its own strings
// (portal/strings.ts, agent/strings.ts...) so the catalogs stay next to the
// screens that use them; t() looks a key up in the current language and
// falls back to English, then to the key itself, so a missing translation
// shows up on screen instead of breaking it.
//
// The language is the signed-in user's choice, else the browser's
// Accept-Language order (navigator.languages), else English.

import { useEffect, useState } from "preact/hooks";
import type { Language } from "./types";

export type Catalog = Record<string, string>;

const catalogs: Record<Language, Catalog> = { en: {}, es: {} };

export function register(strings: { en: Catalog; es: Catalog }) {
  Object.assign(catalogs.en, strings.en);
  Object.assign(catalogs.es, strings.es);
}

/** The first of the browser's preferred languages that we speak. */
export function browserLanguage(): Language {
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split("-")[0];
    if (base === "es" || base === "en") return base;
  }
  return "en";
}

let current: Language = browserLanguage();
const listeners = new Set<() => void>();

export function language(): Language {
  return current;
}

export function setLanguage(l: Language) {
  if (l === current) return;
  current = l;
  document.documentElement.lang = l;
  for (const fn of listeners) fn();
}

/** Re-renders the calling component when the language changes. */
export function useLanguage(): Language {
  const [, force] = useState(0);
  const rendered = current;
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    // A change between the first render and this effect (the session
    // arriving from a cached page load) would otherwise be missed.
    if (current !== rendered) fn();
    return () => {
      listeners.delete(fn);
    };
  }, []);
  return current;
}

/**
 * The string for KEY with {name} placeholders filled from VARS.
 * Plural forms: a key "x" with VARS.count picks "x.one" when count is 1
 * and "x.other" otherwise, when those exist.
 */
export function t(key: string, vars?: Record<string, string | number>): string {
  let k = key;
  if (vars && typeof vars.count === "number") {
    const form = vars.count === 1 ? ".one" : ".other";
    if (catalogs[current][key + form] ?? catalogs.en[key + form]) k = key + form;
  }
  const s = catalogs[current][k] ?? catalogs.en[k] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A bilingual value from the API (name_en/name_es...) in the current language. */
export function pick(obj: any, field: string): string {
  return obj?.[`${field}_${current}`] || obj?.[`${field}_en`] || "";
}
