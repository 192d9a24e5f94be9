/** Events the agent delivered (`POST /internal/events`), remembered so each is applied once. */

export interface IngestStore {
  /**
   * Notes that event `id` was applied; false when it already was (a redelivery). Applying an
   * event is idempotent by itself, so a crash between applying and noting only repeats it.
   */
  markEventApplied(id: string, type: string, at: Date): Promise<boolean>;
  isEventApplied(id: string): Promise<boolean>;
}
