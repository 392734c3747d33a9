// The workspace's reference data, loaded once per page and shared by the
// queue and the ticket view: organizations, request types, teams and the
// staff users tickets are assigned to. Each is a cached promise, so many
// rows asking for the same thing cause one request.

import { api, query } from "../lib/api";
import type { Org, RequestType, Status, Team, Ticket, User } from "../lib/types";

export interface StaffUser extends User {
  disabled?: boolean;
}

let orgsP: Promise<Map<number, Org>> | null = null;
let typesP: Promise<Map<string, RequestType>> | null = null;
let teamsP: Promise<Team[]> | null = null;
const users = new Map<number, Promise<StaffUser | null>>();
const members = new Map<string, Promise<StaffUser[]>>();

function retryable<T>(p: Promise<T>, clear: () => void): Promise<T> {
  p.catch(clear);
  return p;
}

const PAGE = 500;

async function allOrgs(): Promise<Map<number, Org>> {
  const m = new Map<number, Org>();
  for (let offset = 0; ; offset += PAGE) {
    const { data } = await api.get<{ items: Org[] }>(`/orgs${query({ limit: PAGE, offset })}`);
    for (const o of data.items) m.set(o.id, o);
    if (data.items.length < PAGE) return m;
  }
}

/** Every organization (staff see all), by id. */
export function orgs(refresh = false): Promise<Map<number, Org>> {
  if (!orgsP || refresh)
    orgsP = retryable(allOrgs(), () => (orgsP = null));
  return orgsP;
}

/** The organizations, reloaded when one of IDS is not known yet (a new customer). */
export async function orgsCovering(ids: Iterable<number>): Promise<Map<number, Org>> {
  const m = await orgs();
  for (const id of ids) if (!m.has(id)) return orgs(true);
  return m;
}

export function requestTypes(): Promise<Map<string, RequestType>> {
  if (!typesP)
    typesP = retryable(
      api
        .get<{ items: RequestType[] }>("/request-types")
        .then(({ data }) => new Map([...data.items].sort((a, b) => a.position - b.position).map((t) => [t.key, t]))),
      () => (typesP = null),
    );
  return typesP;
}

export function teams(): Promise<Team[]> {
  if (!teamsP)
    teamsP = retryable(
      api.get<{ items: Team[] }>("/teams").then(({ data }) => data.items),
      () => (teamsP = null),
    );
  return teamsP;
}

/** One user by id; null when it cannot be read. */
export function user(id: number): Promise<StaffUser | null> {
  let p = users.get(id);
  if (!p) {
    p = api.get<StaffUser>(`/users/${id}`).then(
      ({ data }) => data,
      () => {
        users.delete(id);
        return null;
      },
    );
    users.set(id, p);
  }
  return p;
}

/** The users of IDS (those that can be read), by id. */
export async function usersById(ids: Iterable<number | null | undefined>): Promise<Map<number, StaffUser>> {
  const unique = [...new Set([...ids].filter((x): x is number => typeof x === "number" && x > 0))];
  const found = await Promise.all(unique.map(user));
  const m = new Map<number, StaffUser>();
  for (const u of found) if (u) m.set(u.id, u);
  return m;
}

/** Who may be assigned a ticket: the agents and leads of its team, or the account reps for account requests. */
export function assignable(team: string | null): Promise<StaffUser[]> {
  const key = team ?? "";
  let p = members.get(key);
  if (!p) {
    const q = team ? query({ team }) : query({ role: "account-rep" });
    p = api.get<{ items: StaffUser[] }>(`/users${q}`).then(
      ({ data }) => {
        const list = data.items.filter((u) => !u.disabled && u.role !== "contact");
        for (const u of list) if (!users.has(u.id)) users.set(u.id, Promise.resolve(u));
        return list.sort((a, b) => a.name.localeCompare(b.name));
      },
      (e) => {
        members.delete(key);
        throw e;
      },
    );
    members.set(key, p);
  }
  return p;
}

/** The statuses an agent may move a ticket to from STATUS (PRODUCT.md's lifecycle). */
export function nextStatuses(status: Status | string): Status[] {
  switch (status) {
    case "new":
      return ["resolved"];
    case "open":
      return ["awaiting_customer", "pending_engineering", "resolved"];
    case "awaiting_customer":
      return ["open", "resolved"];
    case "pending_engineering":
      return ["open", "resolved"];
    case "resolved":
      return ["open", "closed"];
    default:
      return [];
  }
}

/** Whether the signed-in user may work T (agents and leads: their teams' tickets). */
export function mayWork(me: User, t: Pick<Ticket, "team">): boolean {
  if (me.role !== "agent" && me.role !== "lead") return true;
  return !!t.team && me.teams.includes(t.team);
}

/** Where "back to the queue" goes: the last queue URL, with its filters. */
let lastQueue = "/agent";
export function rememberQueue(url: string) {
  lastQueue = url;
}
export function queueUrl(): string {
  return lastQueue;
}

/** The queue row selected last, so coming back from a ticket keeps the place. */
let lastSelected: number | null = null;
export function rememberSelected(id: number | null) {
  lastSelected = id;
}
export function selectedTicket(): number | null {
  return lastSelected;
}
