/**
 * Who has a device registered, from Kamailio's messages: pure state, no I/O. Each change yields
 * the events web should get, with ids fixed by what they describe (a contact's ruid, which
 * Kamailio never reuses), so replaying a message or rebuilding from a dump after a restart
 * appends the same ids again and web keeps one of each:
 *   registration registered / unregistered   one per contact (`reg-<ruid>-on|off`)
 *   presence online / offline                 when a user's first contact appears or last goes
 * Ordering: every message carries Kamailio's time of reading the AOR; one older than what an AOR
 * (or the last full dump) already reflects is stale and ignored. An expiry is applied whenever it
 * comes: a contact that expired is gone for good.
 */
import type { AgentEvent } from "../../../shared/events.ts";
import { type Contact, type RegistrationMessage, type Transport, TRANSPORTS } from "./messages.ts";

/** What is known of one AOR: its contacts as of `atMicros` (none: a tombstone until a dump). */
export interface AorState {
  atMicros: number;
  contacts: Contact[];
}

/** The whole state, as persisted between runs. */
export interface PresenceState {
  /** Time of the last full dump: anything older is stale for every AOR. */
  watermark: number;
  aors: Map<string, AorState>;
}

/** One AOR's change: the events to append, then the state to keep (null: forget the AOR). */
export interface PresenceChange {
  aor: string;
  events: AgentEvent[];
  state: AorState | null;
  /** The contacts that appeared and went (for metrics by transport). */
  added: Contact[];
  removed: Contact[];
}

// Event ids allow [A-Za-z0-9_.:-]; Kamailio's ruids ("uloc-6b0ec059-26d5-1") already fit.
const idPart = (value: string) => value.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 80);

function event(
  type: "presence" | "registration",
  state: "online" | "offline" | "registered" | "unregistered",
  aor: string,
  ruid: string,
  atMicros: number,
): AgentEvent {
  const id = type === "registration"
    ? `reg-${idPart(ruid)}-${state === "registered" ? "on" : "off"}`
    : `pres-${aor}-${state === "online" ? "on" : "off"}-${idPart(ruid)}`;
  return {
    id,
    type,
    at: new Date(Math.floor(atMicros / 1000)).toISOString(),
    care4wId: aor,
    state,
  };
}

/** The events (and contacts added and removed) that take an AOR from `before` to `after`. */
export function diffEvents(
  aor: string,
  before: Contact[],
  after: Contact[],
  atMicros: number,
): Pick<PresenceChange, "events" | "added" | "removed"> {
  const had = new Set(before.map((c) => c.ruid));
  const has = new Set(after.map((c) => c.ruid));
  const added = after.filter((c) => !had.has(c.ruid));
  const removed = before.filter((c) => !has.has(c.ruid));
  const events = [
    ...removed.map((c) => event("registration", "unregistered", aor, c.ruid, atMicros)),
    ...added.map((c) => event("registration", "registered", aor, c.ruid, atMicros)),
  ];
  if (before.length === 0 && added.length > 0) {
    events.push(event("presence", "online", aor, added[0].ruid, atMicros));
  } else if (after.length === 0 && removed.length > 0) {
    events.push(event("presence", "offline", aor, removed.at(-1)!.ruid, atMicros));
  }
  return { events, added, removed };
}

/** The tracker over a state loaded from storage (or empty). */
export class PresenceTracker {
  #watermark: number;
  readonly #aors: Map<string, AorState>;

  constructor(initial: PresenceState = { watermark: 0, aors: new Map() }) {
    this.#watermark = initial.watermark;
    this.#aors = new Map(initial.aors);
  }

  /**
   * Applies one message. Null when it is stale or names a contact already gone; otherwise the
   * change, whose events are empty for a refresh (the same contacts, a later time).
   */
  apply(message: RegistrationMessage): PresenceChange | null {
    const known = this.#aors.get(message.aor);
    const before = known?.contacts ?? [];
    let after: Contact[];
    if (message.kind === "expired") {
      after = before.filter((c) => c.ruid !== message.ruid);
      if (after.length === before.length) return null;
    } else {
      if (message.atMicros < Math.max(this.#watermark, known?.atMicros ?? 0)) return null;
      after = message.contacts;
    }
    const state = { atMicros: Math.max(message.atMicros, known?.atMicros ?? 0), contacts: after };
    this.#aors.set(message.aor, state);
    return { aor: message.aor, state, ...diffEvents(message.aor, before, after, state.atMicros) };
  }

  /**
   * Takes a full dump of the location table read at `atMicros`: every AOR not in it has no
   * device, every AOR in it has exactly those. AORs left without devices are forgotten (the
   * watermark now keeps older messages out), so the state stays as large as the table.
   */
  reconcile(dump: Map<string, Contact[]>, atMicros: number): PresenceChange[] {
    this.#watermark = Math.max(this.#watermark, atMicros);
    const changes: PresenceChange[] = [];
    for (const aor of new Set([...this.#aors.keys(), ...dump.keys()])) {
      const known = this.#aors.get(aor);
      // A message newer than the dump already says more than the dump can.
      if (known && known.atMicros > atMicros) continue;
      const before = known?.contacts ?? [];
      const after = dump.get(aor) ?? [];
      const diff = diffEvents(aor, before, after, atMicros);
      if (after.length === 0) {
        this.#aors.delete(aor);
        changes.push({ aor, state: null, ...diff });
        continue;
      }
      const state = { atMicros, contacts: after };
      this.#aors.set(aor, state);
      // Unchanged AORs are not reported: nothing to tell web, nothing new to keep.
      if (diff.events.length > 0) changes.push({ aor, state, ...diff });
    }
    return changes;
  }

  /** Registered contacts by transport, every transport listed. */
  byTransport(): Record<Transport, number> {
    const counts = Object.fromEntries(TRANSPORTS.map((t) => [t, 0])) as Record<Transport, number>;
    for (const { contacts } of this.#aors.values()) {
      for (const c of contacts) counts[c.transport]++;
    }
    return counts;
  }

  /** Whether `aor` has a device registered. */
  online(aor: string): boolean {
    return (this.#aors.get(aor)?.contacts.length ?? 0) > 0;
  }

  get watermark(): number {
    return this.#watermark;
  }
}
