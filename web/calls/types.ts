/** Types shared by the call service's parts; `service.ts` re-exports the public ones. */
import type { ClientMessage, ServerMessage } from "../../shared/signal.ts";
import type { Hub, Unregister } from "../signal/hub.ts";
import type { CallMessage, CallState, Sender } from "./call-state.ts";
import type { Clock, Timer } from "./clock.ts";
import type { CallRecord, CallUser } from "./rules.ts";
import type { CallTickets } from "./tickets.ts";

/** What the call service needs from the app. */
export interface CallServiceOptions {
  hub: Hub;
  /** Persists a finished call (wire to `store.insertCall`, which ignores a repeated id). */
  recordCall(record: CallRecord): Promise<unknown> | unknown;
  /** Whether a finished call already has this id (then a new call may not take it). */
  callIdUsed?(callId: string): Promise<boolean> | boolean;
  /** Finds an active user by CareFlow ID; null when there is none. */
  lookupUser(care4wId: string): Promise<CallUser | null> | CallUser | null;
  clock?: Clock;
  /** Unanswered calls end as missed after this long (default 45 s). */
  ringTimeoutMs?: number;
  /** A vanished tab ends its call after this long unless it reconnects (default 10 s). */
  graceMs?: number;
  /** Concurrent calls this instance will hold (default 1000). */
  maxConcurrentCalls?: number;
  /** Call attempts per user per minute (default 100). */
  maxAttemptsPerMinute?: number;
  /** Calls one callee may be rung with per minute, from all callers (default 30). */
  ringsPerCalleePerMinute?: number;
  /**
   * Signs answered calls so their tabs can resume them on any instance, also after a restart.
   * Absent: calls live only as long as the instance that owns them.
   */
  tickets?: CallTickets;
  /** Reports failures that have no caller to return to (hub or store errors in timers). */
  onError?(error: unknown): void;
  /** A tab without input this long no longer counts as active (default 5 min; `activity.ts`). */
  awayAfterMs?: number;
}

/** The entry points of the WebSocket route. */
export interface CallService {
  /**
   * A tab's socket opened. Frames for it go to `send`. Resolves once it can receive calls (it is
   * then sent a `presence` frame). Reusing the id of a tab that vanished less than `graceMs` ago,
   * for the same user, resumes its calls when `resuming` (the tab says it still has them); without
   * it the tab was reloaded and its calls end at once. Rejects when the hub cannot register the tab or the id
   * is already open. Ids must be unguessable (a client-chosen tab UUID is fine; prefixing it with
   * the user id keeps one user from ever naming another user's tab on another instance).
   */
  connect(
    user: CallUser,
    connectionId: string,
    send: (frame: ServerMessage) => void,
    resuming?: boolean,
  ): Promise<void>;
  /** A frame arrived from the tab (text, or already-parsed JSON). Never throws. */
  receive(connectionId: string, raw: unknown): Promise<void>;
  /** The tab's socket closed. */
  disconnect(connectionId: string): Promise<void>;
  /** Calls whose state this instance holds. */
  activeCalls(): number;
  /** Resolves when no message or timer work is in progress (for tests). */
  settled(): Promise<void>;
  /**
   * Ends every ringing call held here (recorded as after a lost connection) and drops all tabs.
   * Answered calls are handed over when tickets are on: their tabs resume them wherever they
   * reconnect (this instance restarted, or another one); without tickets they end too.
   */
  close(): Promise<void>;
}

/** Messages for an existing call, handled by its owner (a transfer included). */
export type RoutedMessage = CallMessage | Extract<ClientMessage, { type: "transfer" }>;

/** Hub messages for a call's owner, sent by the instance a callee tab is connected to. */
export type Envelope =
  | { kind: "message"; sender: Sender; message: RoutedMessage }
  | { kind: "lost"; sender: Sender; at: number }
  | { kind: "back"; sender: Sender }
  /** The tab came back without its call (the page was reloaded): the call ends now. */
  | { kind: "gone"; sender: Sender; at: number }
  /** Glare: `sender` invited this call's caller while this call rings them. */
  | { kind: "crossed"; sender: Sender; callId: string };

export interface Tab {
  user: CallUser;
  send: (frame: ServerMessage) => void;
  registration: Promise<Unregister>;
  /** Calls this tab took part in recently, to report its disappearance to their owners. */
  calls: Set<string>;
  /** While the tab counts as active: its `active:` registration and idle timer (`activity.ts`). */
  activity?: { registration: Promise<Unregister>; timer?: Timer };
}

export interface OwnedCall {
  state: CallState;
  ringTimer?: Timer;
  graceTimers: Map<string, Timer>;
  registrations: Promise<Unregister>[];
}

/** Hub address of a call's owning instance. */
export const callAddress = (callId: string) => `call:${callId}`;
/** Hub address that is online while the user is a party to a call. */
export const busyAddress = (userId: string) => `busy:${userId}`;
/** Hub address online while `callerUserId`'s call to `calleeUserId` rings (for glare). */
export const glareAddress = (callerUserId: string, calleeUserId: string) =>
  `glare:${callerUserId}:${calleeUserId}`;
/** A tab is in at most one call at a time; a few more covers calls ending unseen. */
export const TRACKED_CALLS_PER_TAB = 8;
