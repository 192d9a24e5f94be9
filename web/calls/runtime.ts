/**
 * The state of one instance's call service and the small operations every part of it shares:
 * the tabs connected here, the calls owned here, the tabs that vanished recently, the per-call
 * serial queue and the attempt limiter. `service.ts` builds one per instance.
 */
import type { CallStatus } from "../../shared/calls.ts";
import { type ServerMessage, signalError, type SignalErrorCode } from "../../shared/signal.ts";
import type { Sender, Target } from "./call-state.ts";
import { type Clock, systemClock, type Timer } from "./clock.ts";
import { createAttemptLimiter } from "./limiter.ts";
import { buildCallRecord, type RecordInput } from "./rules.ts";
import { createSerial } from "./serial.ts";
import {
  type CallServiceOptions,
  type OwnedCall,
  type Tab,
  TRACKED_CALLS_PER_TAB,
} from "./types.ts";

/** A tab that vanished with calls, kept for `graceMs` in case it comes back. */
export interface Departed {
  userId: string;
  callIds: string[];
  timer: Timer;
}

export interface Runtime {
  options: CallServiceOptions;
  hub: CallServiceOptions["hub"];
  clock: Clock;
  ringTimeoutMs: number;
  graceMs: number;
  maxCalls: number;
  maxAttempts: number;
  /** Signs answered calls for resuming (absent: a restart ends them). */
  tickets: CallServiceOptions["tickets"];
  onError(error: unknown): void;
  tabs: Map<string, Tab>;
  calls: Map<string, OwnedCall>;
  departed: Map<string, Departed>;
  serial: ReturnType<typeof createSerial>;
  attempts: ReturnType<typeof createAttemptLimiter>;
  /** Rings per callee, whoever calls: nobody's phone (or history) is flooded. */
  rings: ReturnType<typeof createAttemptLimiter>;
  /** Remembers that `tab` took part in `callId` (the most recent few only). */
  track(tab: Tab, callId: string): void;
  /** Hands a frame to a local tab; a broken socket is reported, never thrown. */
  sendTab(tab: Tab, frame: ServerMessage): void;
  /** Sends a frame to one connection or to every tab of a user, wherever they are. */
  sendTo(to: Target, frame: ServerMessage): Promise<void>;
  errorTo(sender: Sender, code: SignalErrorCode, text: string, callId: string): Promise<void>;
  /** Writes the one record of a finished call; a failing store is reported, never thrown. */
  record(input: RecordInput, status: CallStatus, endedAt: Date): Promise<void>;
}

/** The runtime of one instance, with the options' defaults filled in. */
export function createRuntime(options: CallServiceOptions): Runtime {
  const { hub } = options;
  const maxAttempts = options.maxAttemptsPerMinute ?? 100;
  const onError = options.onError ?? ((error) => console.error("call service:", error));
  const sendTo = (to: Target, frame: ServerMessage) =>
    "connectionId" in to
      ? hub.publishToConnection(to.connectionId, frame)
      : hub.publish(to.userId, frame, { exceptConnectionId: to.exceptConnectionId });
  return {
    options,
    hub,
    clock: options.clock ?? systemClock,
    ringTimeoutMs: options.ringTimeoutMs ?? 45_000,
    graceMs: options.graceMs ?? 10_000,
    maxCalls: options.maxConcurrentCalls ?? 1000,
    maxAttempts,
    tickets: options.tickets,
    onError,
    tabs: new Map(),
    calls: new Map(),
    departed: new Map(),
    serial: createSerial(),
    attempts: createAttemptLimiter(maxAttempts, 60_000),
    rings: createAttemptLimiter(options.ringsPerCalleePerMinute ?? 30, 60_000),
    track(tab, callId) {
      tab.calls.delete(callId);
      tab.calls.add(callId);
      if (tab.calls.size > TRACKED_CALLS_PER_TAB) {
        tab.calls.delete(tab.calls.values().next().value!);
      }
    },
    sendTab(tab, frame) {
      try {
        tab.send(frame);
      } catch (error) {
        onError(error);
      }
    },
    sendTo,
    errorTo: (sender, code, text, callId) =>
      sendTo({ connectionId: sender.connectionId }, signalError(code, text, callId)),
    async record(input, status, endedAt) {
      try {
        await options.recordCall(buildCallRecord(input, status, endedAt));
      } catch (error) {
        onError(error);
      }
    },
  };
}
