/**
 * Follows calls over ESL and appends one cdr event per call once its last leg hung up. Legs are
 * joined into calls as events name each other; a call ends when every leg seen has hung up, its
 * A-leg is among them, and legs only named by others have had a moment (`lingerMs`) to show up.
 *
 * Memory is bounded: a leg keeps only the headers a summary reads, a call nobody hears of for
 * `idleMs` is given up, at most `maxCalls` are followed, and finished legs are remembered (to
 * ignore their late events) for a bounded time. A call given up is not lost: mod_json_cdr wrote
 * it to the CDR folder, which `reconcile.ts` reads on start and reconnect.
 */
import type { EslEvent } from "../esl/event.ts";
import type { WarnLogger } from "../log.ts";
import type { EventSink } from "../outbox/sink.ts";
import { buildCalls } from "./transfer.ts";
import { type CdrOutcome, toCdrEvent } from "./cdr-event.ts";
import { foldEvent, legOf, linksOf, summarizeAccumulated } from "./from-esl.ts";
import { createCdrAppender } from "./appender.ts";
import { BoundedSet } from "./bounded-set.ts";
import { createCallTable, type OpenCall } from "./call-table.ts";
import type { CdrMetrics } from "./metrics.ts";

/** What the tracker needs. */
export interface CallTrackerOptions {
  sink: Pick<EventSink, "append">;
  metrics: CdrMetrics;
  warn: WarnLogger;
  /** Wait for legs that are named but not seen yet, after all seen legs hung up (default 5 s). */
  lingerMs?: number;
  /** Give up a call with no event for this long (default 6 h: calls can be long and quiet). */
  idleMs?: number;
  /** Most calls followed at once (default 10,000); the least recently created goes first. */
  maxCalls?: number;
  /** How long finished legs are remembered (default 1 h) and how many (default 100,000). */
  doneTtlMs?: number;
  maxDone?: number;
  /** Retries of a failed append, a second apart and doubling (default 5). */
  appendRetries?: number;
  nowMs?: () => number;
  /** Sees every finished call (logging, tests). */
  onOutcome?: (outcome: CdrOutcome) => void;
}

/** A running tracker. */
export interface CallTracker {
  /** Takes one ESL event (subscribe it to the event source). */
  handle(event: EslEvent): void;
  /** Marks legs finished elsewhere (the CDR folder): their call is dropped, late events ignored. */
  markDone(legUuids: Iterable<string>): void;
  /** True when this process already appended the event with this id. */
  appended(eventId: string): boolean;
  /** Gives up calls idle for longer than `idleMs` (call it now and then). */
  sweep(): void;
  readonly openCalls: number;
  /** Resolves once every append in flight settled. */
  flush(): Promise<void>;
  /** Stops timers; appends in flight go on (await `flush`). */
  close(): void;
}

/** When a call whose last seen leg hung up can be built. */
type Readiness = "now" | "linger" | "wait";

/** Whether `call` is over: every leg seen hung up, the A-leg among them, named legs seen. */
function readiness(call: OpenCall): Readiness {
  const summaries = [...call.legs.values()].map(summarizeAccumulated);
  if (!summaries.every((leg) => leg.hungUp)) return "wait";
  // A leg created by one we never saw: the A-leg is missing, its hangup is still to come.
  if (summaries.some((leg) => leg.parent && !call.legs.has(leg.parent))) return "wait";
  const unseen = [...call.named].some((id) => !call.legs.has(id));
  return unseen ? "linger" : "now";
}

/** Creates a tracker; nothing runs until events come in. */
export function createCallTracker(options: CallTrackerOptions): CallTracker {
  const now = options.nowMs ?? Date.now;
  const lingerMs = options.lingerMs ?? 5000;
  const idleMs = options.idleMs ?? 6 * 3600_000;
  const remember = {
    max: options.maxDone ?? 100_000,
    ttlMs: options.doneTtlMs ?? 3600_000,
    now,
  };
  const done = new BoundedSet(remember.max, remember.ttlMs, now);
  const table = createCallTable({
    maxCalls: options.maxCalls ?? 10_000,
    now,
    metrics: options.metrics,
    warn: options.warn,
  });
  let closed = false;
  const appender = createCdrAppender({
    sink: options.sink,
    metrics: options.metrics,
    warn: options.warn,
    retries: options.appendRetries,
    closed: () => closed,
    remember,
  });

  function finish(key: string, call: OpenCall): void {
    table.drop(key, call);
    const legs = [...call.legs.values()].map(summarizeAccumulated);
    for (const id of [...call.legs.keys(), ...call.named]) done.add(id);
    for (const record of buildCalls(legs)) {
      const outcome = toCdrEvent(record);
      options.onOutcome?.(outcome);
      if (outcome.event) appender.submit(outcome.event);
      else options.metrics.skipped.inc({ reason: outcome.problem });
    }
  }

  /** After a hangup: build the call now, or once named legs had `lingerMs` to show up. */
  function consider(key: string, call: OpenCall): void {
    const state = readiness(call);
    if (state === "now") return finish(key, call);
    if (state === "linger" && !call.linger) {
      call.linger = setTimeout(() => {
        call.linger = null;
        if (call.gone || readiness(call) === "wait") return;
        finish(table.keyOf(call), call);
      }, lingerMs);
    }
  }

  function handle(event: EslEvent): void {
    const uuid = legOf(event);
    if (!uuid || closed) return;
    const links = linksOf(event);
    if (done.has(uuid) || links.some((id) => done.has(id))) {
      done.add(uuid); // a late event of a finished call
      return;
    }
    let [key, call] = table.callOf(uuid);
    foldEvent(call.legs, event);
    for (const other of links) table.join(uuid, other);
    [key, call] = table.callOf(uuid);
    call.lastMs = now();
    if (event.name === "CHANNEL_HANGUP_COMPLETE") consider(key, call);
  }

  return {
    handle,
    markDone(legUuids) {
      for (const id of legUuids) {
        done.add(id);
        const found = table.existing(id);
        if (found) table.drop(...found);
      }
    },
    appended: appender.appended,
    sweep() {
      const cutoff = now() - idleMs;
      for (const [key, call] of table.entries()) {
        if (call.lastMs >= cutoff) continue;
        table.drop(key, call);
        options.metrics.expired.inc({ reason: "idle" });
      }
    },
    get openCalls() {
      return table.size;
    },
    flush: appender.flush,
    close() {
      closed = true;
      for (const [, call] of table.entries()) if (call.linger) clearTimeout(call.linger);
    },
  };
}
