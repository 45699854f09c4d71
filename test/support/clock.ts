import type { Clock } from "../../src/time/clock.ts";

/**
 * A clock that starts at `start` and runs at real speed: waits and timeouts behave as they do
 * live, while the date is the same whatever day the suite runs.
 */
export function runningFrom(start: string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
