// Who is signed in. Loaded once at start (GET /session), set at sign-in,
// cleared at sign-out or when any request comes back 401.

import { useEffect, useState } from "preact/hooks";
import { api, setCsrf, setUnauthorizedHandler } from "./api";
import { closeEvents } from "./events";
import { browserLanguage, setLanguage } from "./i18n";
import type { Language, User } from "./types";

export interface Session {
  user: User | null;
  loaded: boolean;
}

let session: Session = { user: null, loaded: false };
const listeners = new Set<() => void>();

function set(s: Session) {
  session = s;
  setLanguage(s.user?.language ?? browserLanguage());
  for (const fn of listeners) fn();
}

export function currentUser(): User | null {
  return session.user;
}

export function useSession(): Session {
  const [, force] = useState(0);
  const rendered = session;
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    // A change between the first render and this effect (the session
    // arriving from a cached page load) would otherwise be missed.
    if (session !== rendered) fn();
    return () => {
      listeners.delete(fn);
    };
  }, []);
  return session;
}

export async function loadSession() {
  try {
    const { data } = await api.get<{ user: User; csrf_token?: string }>("/session");
    setCsrf(data.csrf_token);
    set({ user: data.user, loaded: true });
  } catch {
    set({ user: null, loaded: true });
  }
}

export async function signIn(email: string, password: string) {
  const { data } = await api.post<{ user: User; csrf_token: string }>("/session", { email, password });
  setCsrf(data.csrf_token);
  set({ user: data.user, loaded: true });
}

export async function signOut() {
  try {
    await api.del("/session");
  } finally {
    closeEvents();
    setCsrf("");
    set({ user: null, loaded: true });
  }
}

/** Saves the user's language choice (their own account) and switches to it. */
export async function chooseLanguage(l: Language) {
  const u = session.user;
  setLanguage(l);
  if (!u) return;
  set({ ...session, user: { ...u, language: l } });
  await api.patch(`/users/${u.id}`, { language: l });
}

setUnauthorizedHandler(() => {
  if (session.user) set({ user: null, loaded: true });
});

export function isStaff(u: User | null): boolean {
  return !!u && u.role !== "contact";
}
