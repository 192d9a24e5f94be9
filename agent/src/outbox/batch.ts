/**
 * Delivering one batch of entries and settling each by web's answer: confirmed ones are
 * acknowledged; refused ones counted, and dead-lettered at the limit; ones web could not apply
 * for a passing reason come back to be retried. A failure of the whole batch (web down) throws,
 * and the caller keeps the batch to retry it.
 */
import { Buffer } from "node:buffer";
import type { WarnLogger } from "../log.ts";
import type { OutboxMetrics } from "./metrics.ts";
import type { Outcome } from "./redis-sink.ts";
import type { Refused, Settler } from "./settle.ts";
import type { Entry } from "./source.ts";
import { isTransientError, type PostBatch } from "./web-delivery.ts";

/** What delivering needs. */
export interface BatchDeps {
  post: PostBatch;
  settler: Settler;
  /** Told of committed outcomes (wakes `delivered()` waiters of this process). */
  settled(eventIds: string[], outcome: Outcome): void;
  metrics: OutboxMetrics;
  warn: WarnLogger;
  /** Refusals after which an event is dead-lettered. */
  maxRefusals: number;
  /** Largest request body; web refuses bodies over 1 MiB. */
  maxBodyBytes: number;
}

/** Splits entries into runs whose JSON stays under `maxBytes` (a run has at least one entry). */
export function chunkByBytes(entries: Entry[], maxBytes: number): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.json ?? "") + 1;
    if (current.length && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Delivers `entries`; calls `released` with entries this batch no longer holds (settled, or left
 * pending to be claimed again later) and returns those to retry now.
 */
export async function deliverBatch(
  deps: BatchDeps,
  entries: Entry[],
  released: (entries: Entry[]) => void,
  signal?: AbortSignal,
): Promise<Entry[]> {
  const { metrics, settler } = deps;
  // Data deleted meanwhile: nothing to deliver, only the pending slot to free.
  const gone = entries.filter((e) => e.json === null);
  await settler.confirmed(gone);
  released(gone);
  // Not an event (someone else's XADD, a corrupted entry): kept for a human, never retried.
  const unreadable = entries.filter((e) => e.json !== null && e.eventId === null);
  await deadLetter(deps, unreadable.map((entry) => ({ entry, reason: "unreadable entry" })));
  released(unreadable);

  const retry: Entry[] = [];
  const readable = entries.filter((e) => e.eventId !== null);
  for (const chunk of chunkByBytes(readable, deps.maxBodyBytes)) {
    const started = performance.now();
    const results = await deps.post(
      { ids: chunk.map((e) => e.eventId!), json: chunk.map((e) => e.json!) },
      signal,
    );
    metrics.postDuration.observe((performance.now() - started) / 1000);
    const ok: Entry[] = [];
    const refused: Refused[] = [];
    let duplicates = 0;
    results.forEach((result, i) => {
      if (result.ok) {
        ok.push(chunk[i]);
        if (result.duplicate) duplicates++;
      } else if (isTransientError(result)) retry.push(chunk[i]);
      else refused.push({ entry: chunk[i], reason: result.error });
    });
    await settler.confirmed(ok);
    metrics.delivered.inc({ result: "new" }, ok.length - duplicates);
    metrics.delivered.inc({ result: "duplicate" }, duplicates);
    deps.settled(ok.map((e) => e.eventId!), "ok");
    released(ok);
    await refuse(deps, refused);
    released(refused.map((r) => r.entry));
  }
  return retry;
}

/** Counts refusals; dead-letters the events that reached the limit, the others wait a claim. */
async function refuse(deps: BatchDeps, refused: Refused[]): Promise<void> {
  if (refused.length === 0) return;
  deps.metrics.refusals.inc({}, refused.length);
  const counts = await deps.settler.refusalCounts(refused);
  await deadLetter(deps, refused.filter((_, i) => counts[i] >= deps.maxRefusals));
}

async function deadLetter(deps: BatchDeps, refused: Refused[]): Promise<void> {
  if (refused.length === 0) return;
  await deps.settler.deadLetter(refused);
  deps.metrics.deadLettered.inc({}, refused.length);
  const ids = refused.map((r) => r.entry.eventId).filter((id): id is string => id !== null);
  deps.settled(ids, "dead");
  for (const { entry, reason } of refused) {
    // Ids and web's reason only (CareFlow IDs, never secrets): enough to find it in outbox:dead.
    deps.warn(
      `careflow-agent: warning: event ${entry.eventId ?? entry.entryId} dead-lettered: ${reason}`,
    );
  }
}
