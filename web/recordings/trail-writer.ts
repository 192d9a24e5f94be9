/** Appends what a person (or the sweeper) did to a recording to the tamper-evident trail. */
import type { AccessAction } from "../../shared/recordings.ts";
import type { RecordingDeps, Requester } from "./context.ts";
import type { TrailEntry } from "./recording.ts";
import { nextEntry } from "./trail.ts";

/** Appends one entry; `who` is null for the system's own work. */
export function recordAccess(
  deps: Pick<RecordingDeps, "store" | "now">,
  who: Requester | null,
  recordingId: string,
  action: AccessAction,
): Promise<TrailEntry> {
  const at = deps.now();
  return deps.store.appendTrail((last) =>
    nextEntry(last, {
      at,
      actorUserId: who?.userId ?? null,
      recordingId,
      action,
      ip: who?.ip ?? null,
      userAgent: who?.userAgent?.slice(0, 300) ?? null,
    })
  );
}
