/**
 * Pushes subscriber changes to the agent (`PUT`/`DELETE /internal/subscribers/:care4wId`, signed)
 * and keeps retrying with exponential backoff while the agent is down or restarting.
 *
 * Retries run in this process; with an outbox (see `agent-outbox.ts`) every change is also noted
 * in the store first, so a web restart resumes what was undelivered (`resume()`). A pending
 * change is logged at `warn` on every failed attempt, so nothing disappears silently. Only the
 * latest desired state per user is kept (both calls are idempotent upserts of state), so a burst
 * of rotations sends one request, and a later deactivation always wins over an earlier upsert
 * that has not been delivered yet.
 */
import { subscriberPath } from "../../shared/agent-contract.ts";
import { signRequest } from "../../shared/signing.ts";
import type { Logger } from "../log.ts";
import type { AgentOutbox, SubscriberChange } from "./agent-outbox.ts";

export type { SubscriberChange } from "./agent-outbox.ts";

/** Delivers subscriber changes to the agent. */
export interface AgentClient {
  /**
   * Queues the latest state of `care4wId` and makes one attempt at once. Resolves true when the
   * agent took it on that attempt, false when it stays queued (retried in the background).
   * Never rejects.
   */
  push(care4wId: string, change: SubscriberChange): Promise<boolean>;
  /**
   * Re-sends what earlier runs left undelivered in the outbox (the current state of each user);
   * resolves to how many were found. No-op without an outbox.
   */
  resume(): Promise<number>;
  /** Subscribers whose latest change has not reached the agent yet. */
  pending(): number;
  /** Resolves once nothing is pending; rejects after `timeoutMs`. */
  drained(timeoutMs?: number): Promise<void>;
  /** Stops retrying (shutdown); what is pending is logged. */
  close(): void;
}

export interface AgentClientOptions {
  agentUrl: string;
  secret: string;
  logger: Logger;
  /** First retry delay; doubled per failure up to `maxDelayMs` (with ±20 % jitter). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Durable notes of undelivered changes (the app's store); none means in-process only. */
  outbox?: AgentOutbox;
}

interface Entry {
  change: SubscriberChange;
  /** Bumped on every push, so a delivery of an older version does not clear a newer one. */
  version: number;
  failures: number;
  timer?: ReturnType<typeof setTimeout>;
  sending: boolean;
  /** Version of the outbox note to clear once this state is delivered. */
  noted?: number;
}

/** Notes taken over at start-up; more than this many waits for the next start. */
const RESUME_BATCH = 10_000;

// A 4xx other than these means the request itself is wrong: retrying cannot help.
const RETRYABLE_4XX = new Set([401, 408, 409, 425, 429]);

/** Creates the client; call `close()` on shutdown to stop its timers. */
export function createAgentClient(options: AgentClientOptions): AgentClient {
  const doFetch = options.fetch ?? fetch;
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const queue = new Map<string, Entry>();
  const idle = createIdleWaiters(() => queue.size);
  let closed = false;
  const settle = () => idle.check();

  const deliver = async (care4wId: string): Promise<boolean> => {
    const entry = queue.get(care4wId);
    if (!entry || entry.sending || closed) return false;
    clearTimeout(entry.timer);
    entry.sending = true;
    // Both captured before sending: a push during the request must not be cleared by it.
    const version = entry.version;
    const noted = entry.noted;
    const outcome = await sendChange(options, doFetch, care4wId, entry.change);
    entry.sending = false;
    const fields = { care4wId, op: entry.change.kind, status: outcome.status };
    if (outcome.result === "reject") {
      options.logger.error("agent refused a subscriber change; it is not retried", fields);
    }
    if (outcome.result !== "retry") {
      if (entry.version === version) {
        // A refused request stays noted: retrying cannot help now, but a later start-up may.
        if (outcome.result === "ok" && noted !== undefined) await clearNote(care4wId, noted);
        // A push may have landed while the note was being cleared.
        if (entry.version === version) queue.delete(care4wId);
        else void deliver(care4wId);
      } else void deliver(care4wId); // a newer state arrived while this one was in flight
      settle();
      return outcome.result === "ok";
    }
    entry.failures++;
    const base = Math.min(max, initial * 2 ** (entry.failures - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    options.logger.warn("agent unreachable; subscriber change queued for retry", {
      ...fields,
      error: outcome.error,
      failures: entry.failures,
      retryInMs: delay,
    });
    if (!closed) entry.timer = setTimeout(() => void deliver(care4wId), delay);
    return false;
  };

  const clearNote = async (care4wId: string, noted: number) => {
    try {
      await options.outbox!.clear(care4wId, noted);
    } catch (error) {
      // The agent has the state; a stale note only means one extra idempotent push later.
      options.logger.warn("could not clear a delivered outbox note", {
        care4wId,
        error: (error as Error).name,
      });
    }
  };

  /** Takes the newest state for `care4wId` and tries to deliver it now. */
  const enqueue = (care4wId: string, change: SubscriberChange, noted?: number) => {
    const entry = queue.get(care4wId);
    if (entry) {
      entry.change = change;
      entry.version++;
      if (noted !== undefined) entry.noted = Math.max(entry.noted ?? 0, noted);
      // A new state is worth trying now, even while the previous one waits for a retry.
      if (entry.sending) return Promise.resolve(false);
      entry.failures = 0;
    } else {
      queue.set(care4wId, { change, version: 1, failures: 0, sending: false, noted });
    }
    return deliver(care4wId);
  };

  return {
    async push(care4wId, change) {
      let noted: number | undefined;
      if (options.outbox) {
        try {
          noted = await options.outbox.queue(care4wId);
        } catch (error) {
          // Still delivered and retried in this process; only a restart could lose it now.
          options.logger.error("could not note a subscriber change in the outbox", {
            care4wId,
            error: (error as Error).name,
          });
        }
      }
      return await enqueue(care4wId, change, noted);
    },
    async resume() {
      if (!options.outbox) return 0;
      const notes = await options.outbox.pending(RESUME_BATCH);
      for (const { care4wId, version } of notes) {
        // Only notes this process has not taken over already.
        if (queue.has(care4wId)) continue;
        void enqueue(care4wId, await options.outbox.currentState(care4wId), version);
      }
      if (notes.length > 0) {
        options.logger.info("resuming undelivered subscriber changes", { count: notes.length });
      }
      return notes.length;
    },
    pending: () => queue.size,
    drained: (timeoutMs = 30_000) => idle.wait(timeoutMs),
    close() {
      closed = true;
      for (const [care4wId, entry] of queue) {
        clearTimeout(entry.timer);
        options.logger.warn("shutting down with an undelivered subscriber change", {
          care4wId,
          op: entry.change.kind,
        });
      }
    },
  };
}

/** How a delivery attempt went: "retry" (agent down or busy) or "reject" (our request is wrong). */
interface Outcome {
  result: "ok" | "retry" | "reject";
  status: number;
  error?: string;
}

/** One signed request with the subscriber's state. */
async function sendChange(
  options: AgentClientOptions,
  doFetch: typeof fetch,
  care4wId: string,
  change: SubscriberChange,
): Promise<Outcome> {
  const path = subscriberPath(care4wId);
  const method = change.kind === "upsert" ? "PUT" : "DELETE";
  const body = change.kind === "upsert" ? JSON.stringify(change.body) : "";
  const headers: Record<string, string> = signRequest({
    secret: options.secret,
    method,
    path,
    body,
  });
  if (body) headers["content-type"] = "application/json";
  try {
    const response = await doFetch(options.agentUrl + path, {
      method,
      headers,
      body: body || undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    await response.body?.cancel();
    if (response.ok) return { result: "ok", status: response.status };
    const retry = response.status >= 500 || RETRYABLE_4XX.has(response.status);
    return { result: retry ? "retry" : "reject", status: response.status };
  } catch (error) {
    return { result: "retry", status: 0, error: (error as Error).name };
  }
}

/** Promises that settle once `pending()` is 0; `check()` after every change of it. */
function createIdleWaiters(pending: () => number) {
  const waiters = new Set<() => void>();
  return {
    check() {
      if (pending() > 0) return;
      for (const wake of waiters) wake();
      waiters.clear();
    },
    wait(timeoutMs: number): Promise<void> {
      if (pending() === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`${pending()} subscriber change(s) still pending`));
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(wake);
      });
    },
  };
}
