/** Test events: CDRs between two CareFlow users, with ids unique to a run. */
import type { AgentEvent } from "../../../../shared/events.ts";

/** A CDR event. */
export type CdrEvent = Extract<AgentEvent, { type: "cdr" }>;

/** A completed CDR with event id `id` between `caller` and `callee`. */
export function cdrEvent(
  id: string,
  caller = "care4w-1000001",
  callee = "care4w-1000002",
): CdrEvent {
  const at = "2026-05-01T10:00:00.000Z";
  return {
    id,
    type: "cdr",
    at,
    call: {
      id: `call-${id}`,
      mode: "sip",
      status: "completed",
      caller,
      callee,
      startedAt: "2026-05-01T09:59:00.000Z",
      answeredAt: "2026-05-01T09:59:05.000Z",
      endedAt: at,
      hangupCause: "NORMAL_CLEARING",
    },
  };
}

/** `count` CDR event ids under `prefix`, e.g. `run1-000042`. */
export function eventIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(6, "0")}`);
}
