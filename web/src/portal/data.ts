// What every portal screen reads: the customer's organization (its SPOC and
// account representative), the teams and the request types; and the small
// helpers that name them in the UI language.

import { api } from "../lib/api";
import { pick, t } from "../lib/i18n";
import type { Org, RequestType, Team, Ticket, User } from "../lib/types";

export interface Catalog {
  teams: Team[];
  types: RequestType[];
}

export async function loadOrg(user: User): Promise<Org> {
  return (await api.get<Org>(`/orgs/${user.org_id}`)).data;
}

// Teams and request types change rarely (an admin edits them): one fetch per
// page load, shared by the screens, retried after a failure.
let catalog: Promise<Catalog> | null = null;

export function loadCatalog(): Promise<Catalog> {
  if (!catalog) {
    catalog = Promise.all([
      api.get<{ items: Team[] }>("/teams"),
      api.get<{ items: RequestType[] }>("/request-types"),
    ]).then(
      ([teams, types]) => ({
        teams: teams.data.items,
        types: [...types.data.items].sort((a, b) => a.position - b.position),
      }),
      (e) => {
        catalog = null;
        throw e;
      },
    );
  }
  return catalog;
}

export function isSpoc(org: Org | undefined, user: User): boolean {
  return !!org?.spoc && org.spoc.id === user.id;
}

export function teamName(cat: Catalog, key: string | null | undefined): string {
  if (!key) return "";
  const team = cat.teams.find((x) => x.key === key);
  return team ? pick(team, "name") : key;
}

export function typeName(cat: Catalog, key: string): string {
  const type = cat.types.find((x) => x.key === key);
  return type ? pick(type, "name") : key;
}

/** Who answers a ticket: its team, or the account representative. */
export function handledBy(cat: Catalog, org: Org | undefined, ticket: Pick<Ticket, "kind" | "team">): string {
  if (ticket.kind === "account")
    return org?.account_rep ? t("portal.handled.rep_named", { name: org.account_rep.name }) : t("portal.handled.rep");
  return teamName(cat, ticket.team);
}

export const OPEN_STATUSES = ["new", "open", "awaiting_customer", "pending_engineering"];

/** The statuses in which the customer is waiting on us. */
export function isOpen(status: string): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The first name, for a greeting. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || name;
}

/** Seven days after resolution: the customer's window to reopen (lifecycle.c). */
export const REOPEN_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** A request a contact prepared for the SPOC (drafts.c). */
export interface Draft {
  id: number;
  org_id: number;
  author_id: number;
  state: "draft" | "returned" | "filed";
  fields: Record<string, unknown>;
  return_comment: string | null;
  ticket_id: number | null;
  created_at: string;
  updated_at: string;
}

/** Unfiled drafts: the SPOC sees the organization's, anyone else their own. */
export async function loadDrafts(): Promise<Draft[]> {
  return (await api.get<{ items: Draft[] }>("/drafts")).data.items;
}

const names = new Map<number, Promise<string>>();

/** A colleague's name (contacts read their organization's people). */
export function userName(id: number): Promise<string> {
  let p = names.get(id);
  if (!p) {
    p = api.get<{ name: string }>(`/users/${id}`).then(
      (r) => r.data.name,
      () => "",
    );
    names.set(id, p);
  }
  return p;
}
