// One shared one-second tick for every countdown on screen: 500 rows
// re-render from one timer rather than 500.

import { useEffect, useState } from "preact/hooks";

const listeners = new Set<(now: number) => void>();
let timer: number | undefined;

function tick() {
  const now = Date.now();
  for (const fn of listeners) fn(now);
}

/** The current time in ms, updated every second while the caller is mounted. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    listeners.add(setNow);
    if (timer === undefined) timer = window.setInterval(tick, 1000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}
