/** Events the agent delivered (`POST /internal/events`), remembered so each is applied once. */
import type { CallRecord } from "../calls/rules.ts";
import type { Recording } from "../recordings/recording.ts";
import type { PhonePresence } from "./phone-presence.ts";

/** What applying one agent event writes, together with the note that it was applied. */
export interface EventWrite {
  id: string;
  type: string;
  at: Date;
  call?: CallRecord;
  recording?: Recording;
  presence?: PhonePresence;
}

/** How one write went: applied now, applied before (nothing written), or failed (nothing kept). */
export type EventWriteResult = "applied" | "duplicate" | { failed: unknown };

export interface IngestStore {
  /**
   * Notes that event `id` was applied; false when it already was (a redelivery). Applying an
   * event is idempotent by itself, so a crash between applying and noting only repeats it.
   */
  markEventApplied(id: string, type: string, at: Date): Promise<boolean>;
  isEventApplied(id: string): Promise<boolean>;
  /**
   * Applies a batch of events' writes, each with its note, answering each on its own: one that
   * fails changes nothing and does not stop the others. A batch's writes go together where the
   * database allows (one SQLite transaction: a batch of 100 costs about what 6 single writes do).
   * Throws only when the batch as a whole could not be written (nothing of it is then kept).
   */
  applyEvents(writes: readonly EventWrite[]): Promise<EventWriteResult[]>;
}
