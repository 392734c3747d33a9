// Where a ticket stands against its first-response target. The server
// gives the due time and the 75% mark (sla_warn_at), both computed on the
// business calendar; the browser only compares them with the clock.

import type { Ticket } from "./types";

export type SlaState = "met" | "none" | "ok" | "warn" | "breach";

export function slaState(t: Pick<Ticket, "first_response_at" | "first_response_due_at" | "sla_warn_at">, now: number): SlaState {
  if (t.first_response_at) return "met";
  if (!t.first_response_due_at) return "none";
  const due = Date.parse(t.first_response_due_at);
  if (now >= due) return "breach";
  if (t.sla_warn_at && now >= Date.parse(t.sla_warn_at)) return "warn";
  return "ok";
}
