/**
 * Taking in the agent's events (`POST /internal/events`): each validated and applied on its own,
 * idempotently by its id (applying is idempotent by itself; the ingest store remembers what was
 * applied so a redelivered batch is answered `duplicate` without touching anything).
 */
import type { Party, RecordParty } from "../../shared/calls.ts";
import {
  type AgentEvent,
  agentEventSchema,
  type CallParty,
  type EventResult,
} from "../../shared/events.ts";
import { type CallRecord, durationSeconds, userParty } from "../calls/rules.ts";
import type { Logger } from "../log.ts";
import { newRecording, type Recording } from "../recordings/recording.ts";
import type { RecordingStorage } from "../recordings/storage/types.ts";
import type { EventWrite } from "../store/ingest.ts";
import type { IngestStore, RecordingStore, User, UserStore } from "../store/mod.ts";

/** What applying events needs. */
export interface IntakeDeps {
  store: IngestStore & RecordingStore & Pick<UserStore, "findUserByCare4wId">;
  storage: RecordingStorage;
  logger: Logger;
  now: () => Date;
}

/** A reason an event cannot be applied; it is answered to the agent, never retried as is. */
class Refused extends Error {}

async function userOf(deps: IntakeDeps, care4wId: string): Promise<User> {
  const user = await deps.store.findUserByCare4wId(care4wId);
  if (!user) throw new Refused(`nobody has the CareFlow ID ${care4wId}`);
  return user;
}

/** A party of an agent event, with the CareFlow user behind it (null for an outside phone). */
async function resolveParty(
  deps: IntakeDeps,
  party: CallParty,
): Promise<{ user: User | null; party: RecordParty }> {
  if (typeof party !== "string") {
    return { user: null, party: { care4wId: null, phone: party.phone, displayName: party.phone } };
  }
  const user = await userOf(deps, party);
  return { user, party: userParty(user) };
}

/** A transfer's party as history names it; a CareFlow ID nobody has any more is no reason to refuse. */
async function transferParty(deps: IntakeDeps, care4wId: string): Promise<Party> {
  const user = await deps.store.findUserByCare4wId(care4wId);
  return { care4wId, displayName: user?.displayName ?? care4wId };
}

async function callOf(
  deps: IntakeDeps,
  event: Extract<AgentEvent, { type: "cdr" }>,
): Promise<CallRecord> {
  const { call } = event;
  const caller = await resolveParty(deps, call.caller);
  const callee = await resolveParty(deps, call.callee);
  if (!caller.user && !callee.user) {
    throw new Refused("a call between two outside phones is in nobody's history");
  }
  const answeredAt = call.answeredAt ? new Date(call.answeredAt) : null;
  const endedAt = new Date(call.endedAt);
  const record: CallRecord = {
    id: call.id,
    mode: call.mode,
    status: call.status,
    callerUserId: caller.user?.id ?? null,
    callerCare4wId: caller.party.care4wId,
    callerPhone: caller.party.phone,
    callerName: caller.party.displayName,
    calleeUserId: callee.user?.id ?? null,
    calleeCare4wId: callee.party.care4wId,
    calleePhone: callee.party.phone,
    calleeName: callee.party.displayName,
    startedAt: new Date(call.startedAt),
    answeredAt,
    endedAt,
    durationSeconds: durationSeconds(answeredAt, endedAt),
    recordedBy: call.recordedBy ?? null,
    hangupCause: call.hangupCause ?? null,
    quality: call.quality ?? null,
    transferredBy: call.transferredBy ? await transferParty(deps, call.transferredBy) : null,
    transferredTo: call.transferredTo ? await transferParty(deps, call.transferredTo) : null,
  };
  return record;
}

async function recordingOf(
  deps: IntakeDeps,
  event: Extract<AgentEvent, { type: "recording" | "voicemail" }>,
): Promise<Recording> {
  const r = event.recording;
  const owner = await userOf(deps, r.owner);
  const caller = await resolveParty(deps, r.caller);
  const callee = await resolveParty(deps, r.callee);
  if (caller.user?.id !== owner.id && callee.user?.id !== owner.id) {
    throw new Refused(`${r.owner} is neither party of this recording`);
  }
  const stored = r.objectKey ? await deps.storage.stat(r.objectKey) : null;
  if (r.objectKey && !stored) throw new Refused(`no object ${r.objectKey} in the store`);
  return newRecording({
    // The event id names the recording, so the audio upload that may follow finds it.
    id: event.id,
    ownerUserId: owner.id,
    type: event.type === "voicemail" ? "voicemail" : "call",
    callMode: r.mode,
    callId: r.callId,
    from: caller.party,
    to: callee.party,
    direction: caller.user?.id === owner.id ? "outbound" : "inbound",
    storageKey: stored ? r.objectKey! : null,
    format: r.format,
    durationSeconds: Math.round(r.durationSeconds),
    fileSize: stored?.size ?? 0,
    recordedAt: new Date(r.recordedAt),
    status: stored ? "active" : "processing",
    recordedBy: event.type === "voicemail" ? null : owner.care4wId,
  }, deps.now());
}

/** What applying `event` writes (built, checked, not yet written). */
async function writeOf(deps: IntakeDeps, event: AgentEvent): Promise<EventWrite> {
  const write: EventWrite = { id: event.id, type: event.type, at: deps.now() };
  if (event.type === "cdr") return { ...write, call: await callOf(deps, event) };
  if ("recording" in event) return { ...write, recording: await recordingOf(deps, event) };
  // Registrations of single devices are the agent's to count; a user's presence is what web keeps.
  if (event.type === "registration") return write;
  const user = await userOf(deps, event.care4wId);
  const online = event.state !== "offline" && event.state !== "unregistered";
  return { ...write, presence: { userId: user.id, online, changedAt: new Date(event.at) } };
}

const RETRY = "could not be applied; send it again";

/**
 * The same deps, with user lookups remembered for one batch: a batch of a busy switch names the
 * same people again and again, and each lookup is a store round trip.
 */
function withBatchUserCache(deps: IntakeDeps): IntakeDeps {
  const seen = new Map<string, Promise<User | null>>();
  const store = Object.create(deps.store) as IntakeDeps["store"];
  store.findUserByCare4wId = (care4wId: string) => {
    let found = seen.get(care4wId);
    if (!found) {
      found = deps.store.findUserByCare4wId(care4wId);
      seen.set(care4wId, found);
      // A failed lookup is not remembered: the next event asks again.
      found.catch(() => seen.delete(care4wId));
    }
    return found;
  };
  return { ...deps, store };
}

/** The answer to an event that cannot be taken: a refusal is final, anything else is retried. */
function failure(deps: IntakeDeps, id: string, type: string, error: unknown): EventResult {
  if (!(error instanceof Refused)) deps.logger.error("event not applied", { id, type });
  return { id, ok: false, error: error instanceof Refused ? error.message : RETRY };
}

/**
 * Applies a batch, answering each event; never throws for one bad event. Each event is checked
 * and its records built first (lookups, the object store); then every write of the batch goes to
 * the store in one step, which is what makes a batch cheap.
 */
export async function ingestEvents(batchDeps: IntakeDeps, raw: unknown[]): Promise<EventResult[]> {
  const deps = withBatchUserCache(batchDeps);
  const results: EventResult[] = [];
  const pending: Array<{ index: number; write: EventWrite }> = [];
  for (const item of raw) {
    const parsed = agentEventSchema.safeParse(item);
    const id = typeof (item as { id?: unknown })?.id === "string"
      ? (item as { id: string }).id.slice(0, 128)
      : null;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      results.push({
        id,
        ok: false,
        error: `${issue.path.join(".") || "event"}: ${issue.message}`,
      });
      continue;
    }
    const event = parsed.data;
    try {
      // Before building: a redelivery is a duplicate even if, say, its user has gone since.
      // applyEvents checks again, for deliveries racing each other.
      if (await deps.store.isEventApplied(event.id)) {
        results.push({ id: event.id, ok: true, duplicate: true });
        continue;
      }
      pending.push({ index: results.length, write: await writeOf(deps, event) });
      results.push({ id: event.id, ok: true, duplicate: false });
    } catch (error) {
      results.push(failure(deps, event.id, event.type, error));
    }
  }
  const outcomes = await deps.store.applyEvents(pending.map(({ write }) => write)).catch(
    (error: unknown) => pending.map(() => ({ failed: error })),
  );
  pending.forEach(({ index, write }, n) => {
    const outcome = outcomes[n];
    results[index] = typeof outcome === "object"
      ? failure(deps, write.id, write.type, outcome.failed)
      : { id: write.id, ok: true, duplicate: outcome === "duplicate" };
  });
  return results;
}
