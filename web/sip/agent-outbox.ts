/**
 * The durable half of the push queue to the agent. Before a subscriber change is sent, the
 * store notes "the agent must learn the current state of this user"; the note is removed only
 * when the agent has confirmed that version. A web instance that restarts (or crashes) with
 * changes undelivered finds the notes at start-up and sends each user's state as it is then.
 *
 * Without this, a deactivation made while the agent was down and followed by a web restart would
 * never reach the agent, and the agent's cached HA1 would keep letting the user register.
 */
import { greetingVersion } from "../recordings/context.ts";
import type { SubscriberRecord, SubscriberUpsert } from "../../shared/agent-contract.ts";
import type { StoredSettings } from "../../shared/settings.ts";
import {
  type AgentOutboxStore,
  settingsOfUser,
  type SipCredentialStore,
  type User,
  type UserSettingsStore,
  type UserStore,
} from "../store/mod.ts";
import { callPrivacyFields } from "./call-privacy.ts";

/** What the agent must know of a subscriber is read from these. */
export type SubscriberSource =
  & SipCredentialStore
  & Pick<UserStore, "findUserByCare4wId">
  & Pick<UserSettingsStore, "getUserSettings">;

/** The state the agent should hold for one subscriber. */
export type SubscriberChange = { kind: "upsert"; body: SubscriberUpsert } | { kind: "delete" };

/** What the agent client needs from durable storage. */
export interface AgentOutbox {
  /** Notes a change; resolves to the version to clear once delivered. */
  queue(care4wId: string): Promise<number>;
  /** Clears the note if it is still at `version` (a newer change keeps it). */
  clear(care4wId: string, version: number): Promise<void>;
  /** Notes left by earlier runs, oldest first. */
  pending(limit: number): Promise<{ care4wId: string; version: number }[]>;
  /** The user's state as the store has it now. */
  currentState(care4wId: string): Promise<SubscriberChange>;
}

/**
 * What the agent must know about a CareFlow ID, read from the store: null for an unknown ID.
 * The same answer serves the agent's cache-miss fetch and the outbox's replay.
 */
export async function subscriberRecord(
  store: SubscriberSource,
  care4wId: string,
): Promise<SubscriberRecord | null> {
  const user = await store.findUserByCare4wId(care4wId);
  if (!user) return null;
  const [stored, settings] = await Promise.all([
    store.getSipCredential(user.id),
    settingsOfUser(store, user.id),
  ]);
  // The whole state every time: the agent replaces its entry with what it is sent.
  return { care4wId, ...callProfile(user, stored?.ha1 ?? null, settings) };
}

/**
 * A user's state as the agent keeps it: credentials and the call profile, with who may ring them
 * (`settings`: do-not-disturb and privacy, see `call-privacy.ts`). `recordCalls` and the privacy
 * fields are sent only when not the default (absent reads as the default, and older agents and
 * tests see the shape they know).
 */
export function callProfile(
  user: User,
  ha1: string | null,
  settings: StoredSettings,
): SubscriberUpsert {
  return {
    ha1,
    active: user.isActive,
    displayName: user.displayName,
    ...(user.recordCalls ? { recordCalls: true } : {}),
    ...(greetingVersion(user.voicemailGreetingKey)
      ? { greeting: greetingVersion(user.voicemailGreetingKey)! }
      : {}),
    ...callPrivacyFields(settings),
  };
}

/** The change that brings the agent to the user's current state: an upsert, or a delete. */
export async function currentChange(
  store: SubscriberSource,
  care4wId: string,
): Promise<SubscriberChange> {
  const record = await subscriberRecord(store, care4wId);
  if (!record) return { kind: "delete" };
  const { care4wId: _, ...body } = record;
  return { kind: "upsert", body };
}

/** The outbox kept in the app's store (SQLite or MongoDB). */
export function storeOutbox(
  store: AgentOutboxStore & SubscriberSource,
  now: () => Date,
): AgentOutbox {
  return {
    queue: (care4wId) => store.queueAgentSync(care4wId, now()),
    async clear(care4wId, version) {
      await store.clearAgentSync(care4wId, version);
    },
    pending: (limit) => store.listAgentSync(limit),
    currentState: (care4wId) => currentChange(store, care4wId),
  };
}
