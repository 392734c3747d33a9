// A small history-API router: the app's routes are plain paths
// ("/portal/tickets/12"), the server answers every non-API path with the
// app's index.html, and links are ordinary <a href> elements that this
// module intercepts, so opening one in a new tab works too.

import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

addEventListener("popstate", () => {
  for (const fn of listeners) fn();
});

// Same-origin left clicks on links navigate without a reload.
addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.("a");
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
  if (a.pathname.startsWith("/api/")) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const [, force] = useState(0);
  const rendered = location.href;
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    // A change between the first render and this effect (the session
    // arriving from a cached page load) would otherwise be missed.
    if (location.href !== rendered) fn();
    return () => {
      listeners.delete(fn);
    };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/**
 * Matches PATH against PATTERN ("/agent/tickets/:id"); the named parts,
 * or null when it does not match.
 */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}
