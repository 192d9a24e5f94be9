/** Test helper: a burst of CDR appends at a steady rate, as calls ending. */
import { sleep } from "../../../../testing/eventually.ts";
import type { EventSink } from "../sink.ts";
import { cdrEvent } from "./events.ts";

/** A burst under way. */
export interface Burst {
  /** Ids whose append resolved (stored in Redis), in completion order. */
  resolved: string[];
  /** Ids whose append rejected (the producer was told it is not stored). */
  rejected: string[];
  /** Length of the prefix of `ids` known appended: every id before it resolved. */
  through(): number;
  /** Ends with the burst. */
  done: Promise<void>;
}

/**
 * Appends `ids` at about `perSecond` (in ticks of 10 ms), CDRs between `users`. `resolved`,
 * `rejected` and `through()` fill as it goes, so a test can tell the burst was still on when it
 * killed something; `onTick` sees each tick's progress.
 */
export function burst(
  sink: EventSink,
  ids: string[],
  perSecond: number,
  users: readonly string[] = [],
  onTick?: (through: number) => void,
): Burst {
  const resolved: string[] = [];
  const rejected: string[] = [];
  const step = Math.max(1, Math.round(perSecond / 100));
  let through = 0;
  let gap = false;
  const done = (async () => {
    for (let i = 0; i < ids.length; i += step) {
      const tick = sleep(10);
      const chunk = ids.slice(i, i + step);
      const before = rejected.length;
      await Promise.all(
        chunk.map((id) =>
          sink.append(cdrEvent(id, users[0], users[1])).then(
            () => resolved.push(id),
            () => rejected.push(id),
          )
        ),
      );
      if (rejected.length > before) gap = true;
      if (!gap) through = i + chunk.length;
      onTick?.(through);
      await tick;
    }
  })();
  return { resolved, rejected, through: () => through, done };
}
