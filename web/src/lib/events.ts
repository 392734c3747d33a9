// Live updates: one EventSource on /api/v1/events per page, shared by
// every screen that listens. The server sends an event whenever a ticket
// the user may see changes ("ticket", data {id, version, ...}); screens
// refetch what they show. EventSource reconnects by itself and sends
// Last-Event-ID, so nothing is missed across a short outage; when the
// server cannot replay what was missed (it restarted, the stream moved to
// another server, or it lost events from the other servers) it sends
// "reset", and every screen refetches.

import { useEffect, useRef } from "preact/hooks";

export interface TicketEvent {
  id: number;
  version: number;
  org_id: number;
  team: string | null;
  status: string;
  event: string;
}

/** A ticket event, or null after a reset: anything may have changed. */
type Listener = (e: TicketEvent | null) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

function open() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/v1/events");
  source.addEventListener("ticket", (m) => {
    let data: TicketEvent;
    try {
      data = JSON.parse((m as MessageEvent).data);
    } catch {
      return;
    }
    for (const fn of listeners) fn(data);
  });
  source.addEventListener("reset", () => {
    for (const fn of listeners) fn(null);
  });
}

/** Closes the stream (at sign-out). */
export function closeEvents() {
  source?.close();
  source = null;
}

/** Calls FN for each ticket event, and with null after a reset, while the component is mounted. */
export function useTicketEvents(fn: Listener) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    open();
    return () => {
      listeners.delete(l);
    };
  }, []);
}
