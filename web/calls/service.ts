/**
 * The call service: turns what tabs send over their WebSocket into relayed frames, timeouts and
 * exactly one call record per call. The WebSocket route calls `connect`, `receive` and `disconnect`;
 * everything else (who may say what, when a call ends) lives in `call-state.ts`.
 *
 * Several web instances: the state of a call lives only on the instance that handled its invite
 * (the caller's tab is connected there, so every caller message arrives there). That instance
 * registers the hub address `call:<callId>`; a message for the call arriving on any other instance
 * (from a callee tab) is forwarded through the hub to that address, and the owner answers through
 * the hub as well. It also registers `busy:<userId>` for both parties, so any instance can tell
 * that a user is on a call from the hub's presence count. This needs nothing beyond the hub
 * contract and keeps no call state in Redis; the cost is that calls owned by an instance that
 * crashes are lost (their tabs see no further frames; the presence TTL frees the busy marks).
 *
 * Limits (attempts per minute, concurrent calls) are counted per instance.
 */
import {
  type ClientMessage,
  isCallEnd,
  parseClientMessage,
  type ServerMessage,
  signalError,
  type SignalErrorCode,
} from "../../shared/signal.ts";
import type { CallStatus } from "../../shared/calls.ts";
import {
  applyConnectionLost,
  applyMessage,
  applyRingTimeout,
  type CallMessage,
  dependsOn,
  type Effect,
  type Sender,
  startCall,
  type Step,
  type Target,
} from "./call-state.ts";
import { systemClock, type Timer } from "./clock.ts";
import { createAttemptLimiter } from "./limiter.ts";
import { buildCallRecord, type CallUser, type RecordInput } from "./rules.ts";
import { createSerial } from "./serial.ts";
import {
  busyAddress,
  callAddress,
  type CallService,
  type CallServiceOptions,
  type Envelope,
  type OwnedCall,
  type Tab,
  TRACKED_CALLS_PER_TAB,
} from "./types.ts";

export type { CallService, CallServiceOptions } from "./types.ts";
export type { CallUser } from "./rules.ts";

/** Creates the call service of one web instance. */
export function createCallService(options: CallServiceOptions): CallService {
  const { hub } = options;
  const clock = options.clock ?? systemClock;
  const ringTimeoutMs = options.ringTimeoutMs ?? 45_000;
  const graceMs = options.graceMs ?? 10_000;
  const maxCalls = options.maxConcurrentCalls ?? 1000;
  const maxAttempts = options.maxAttemptsPerMinute ?? 100;
  const onError = options.onError ?? ((error) => console.error("call service:", error));

  const tabs = new Map<string, Tab>();
  const calls = new Map<string, OwnedCall>();
  const attempts = createAttemptLimiter(maxAttempts, 60_000);
  const departed = new Map<string, { userId: string; callIds: string[]; timer: Timer }>();
  const serial = createSerial();

  const track = (tab: Tab, callId: string) => {
    tab.calls.delete(callId);
    tab.calls.add(callId);
    if (tab.calls.size > TRACKED_CALLS_PER_TAB) tab.calls.delete(tab.calls.values().next().value!);
  };

  const sendTab = (tab: Tab, frame: ServerMessage) => {
    try {
      tab.send(frame);
    } catch (error) {
      onError(error);
    }
  };

  const sendTo = (to: Target, frame: ServerMessage) =>
    "connectionId" in to
      ? hub.publishToConnection(to.connectionId, frame)
      : hub.publish(to.userId, frame, { exceptConnectionId: to.exceptConnectionId });

  const errorTo = (sender: Sender, code: SignalErrorCode, text: string, callId: string) =>
    sendTo({ connectionId: sender.connectionId }, signalError(code, text, callId));

  const record = async (input: RecordInput, status: CallStatus, endedAt: Date) => {
    try {
      await options.recordCall(buildCallRecord(input, status, endedAt));
    } catch (error) {
      onError(error);
    }
  };

  /** Carries out a step. The record is written before anyone hears the call ended, so a tab that
   * reloads its history on the end frame finds the call there. */
  const apply = async (owned: OwnedCall, step: Step) => {
    owned.state = step.call;
    if (step.call.phase === "answered") owned.ringTimer?.cancel();
    const end = step.effects.find((e): e is Extract<Effect, { type: "end" }> => e.type === "end");
    if (end) {
      calls.delete(step.call.callId);
      owned.ringTimer?.cancel();
      for (const timer of owned.graceTimers.values()) timer.cancel();
      await Promise.all(owned.registrations.map(async (registration) => (await registration)()));
      await record(step.call, end.status, end.endedAt);
    }
    for (const effect of step.effects) {
      if (effect.type === "send") await sendTo(effect.to, effect.frame);
    }
  };

  const connectionLost = (owned: OwnedCall, connectionId: string, goneAt: Date) => {
    if (!dependsOn(owned.state, connectionId) || owned.graceTimers.has(connectionId)) return;
    const { callId } = owned.state;
    owned.graceTimers.set(
      connectionId,
      clock.setTimer(graceMs, () => {
        serial.run(callId, async () => {
          const current = calls.get(callId);
          if (current) {
            await apply(current, applyConnectionLost(current.state, connectionId, goneAt));
          }
        }).catch(onError);
      }),
    );
  };

  const connectionBack = (owned: OwnedCall, connectionId: string) => {
    owned.graceTimers.get(connectionId)?.cancel();
    owned.graceTimers.delete(connectionId);
  };

  const onEnvelope = (callId: string, envelope: Envelope) =>
    serial.run(callId, async () => {
      const owned = calls.get(callId);
      const { sender } = envelope;
      if (!owned) {
        if (envelope.kind === "message") {
          await errorTo(sender, "unknown_call", "no such call", callId);
        }
        return;
      }
      if (envelope.kind === "message") {
        await apply(owned, applyMessage(owned.state, sender, envelope.message, clock.now()));
      } else if (envelope.kind === "lost") {
        connectionLost(owned, sender.connectionId, new Date(envelope.at));
      } else {
        connectionBack(owned, sender.connectionId);
      }
    }).catch(onError);

  const invite = async (
    tab: Tab,
    sender: Sender,
    message: Extract<ClientMessage, { type: "invite" }>,
  ) => {
    const { callId } = message;
    const now = clock.now();
    const fail = (code: SignalErrorCode, text: string) => errorTo(sender, code, text, callId);
    if (calls.has(callId) || await hub.isOnline(callAddress(callId))) {
      return fail("duplicate_call", "this call id is in use");
    }
    if (!attempts.admit(sender.userId, now.getTime())) {
      return fail("rate_limited", `at most ${maxAttempts} call attempts per minute`);
    }
    if (calls.size >= maxCalls) return fail("capacity", "too many calls in progress, try again");
    const callee = await options.lookupUser(message.to);
    if (!callee) return fail("unknown_user", `no user ${message.to}`);
    if (callee.userId === sender.userId) return fail("self_call", "you cannot call yourself");
    if (await hub.isOnline(busyAddress(sender.userId))) return fail("in_call", "already on a call");

    const input: RecordInput = {
      callId,
      caller: tab.user,
      callee,
      startedAt: now,
      answeredAt: null,
    };
    const endAtOnce = async (status: CallStatus, reason: "unavailable" | "busy") => {
      await record(input, status, now);
      await sendTo({ connectionId: sender.connectionId }, { type: "ended", callId, reason });
    };
    if (!(await hub.isOnline(callee.userId))) return endAtOnce("unavailable", "unavailable");
    // Busy, not call waiting: a care worker in a call about a client is not interrupted, and one
    // call per user keeps the browser engine and the UI simple. The caller hears "busy"; the record
    // says `missed` so the callee's history shows who tried to reach them, to call back.
    if (await hub.isOnline(busyAddress(callee.userId))) return endAtOnce("missed", "busy");

    const step = startCall(callId, tab.user, sender.connectionId, callee, now);
    const noop = () => {};
    const owned: OwnedCall = {
      state: step.call,
      graceTimers: new Map(),
      registrations: [
        hub.register(
          callAddress(callId),
          `call:${callId}`,
          (m) => onEnvelope(callId, m as Envelope),
        ),
        hub.register(busyAddress(tab.user.userId), `busy:${callId}:caller`, noop),
        hub.register(busyAddress(callee.userId), `busy:${callId}:callee`, noop),
      ],
    };
    calls.set(callId, owned);
    await Promise.all(owned.registrations);
    owned.ringTimer = clock.setTimer(ringTimeoutMs, () => {
      serial.run(callId, async () => {
        const current = calls.get(callId);
        if (current) await apply(current, applyRingTimeout(current.state, clock.now()));
      }).catch(onError);
    });
    await apply(owned, step);
  };

  const route = async (sender: Sender, message: CallMessage) => {
    const owned = calls.get(message.callId);
    if (owned) return await apply(owned, applyMessage(owned.state, sender, message, clock.now()));
    const address = callAddress(message.callId);
    if (await hub.isOnline(address)) {
      const envelope: Envelope = { kind: "message", sender, message };
      return await hub.publish(address, envelope);
    }
    await errorTo(sender, "unknown_call", "no such call", message.callId);
  };

  /** Frames the hub delivers to a local tab pass here, so the tab knows its calls. */
  const deliverToTab = (tab: Tab, frame: ServerMessage) => {
    if (frame.type !== "error" && frame.type !== "presence") {
      if (isCallEnd(frame)) tab.calls.delete(frame.callId);
      else track(tab, frame.callId);
    }
    sendTab(tab, frame);
  };

  return {
    async connect(user, connectionId, send) {
      // A live id is never taken over: that would hand one tab's frames to another.
      if (tabs.has(connectionId)) throw new Error(`connection ${connectionId} is already open`);
      const tab: Tab = {
        user,
        send,
        calls: new Set(),
        registration: Promise.resolve(async () => {}),
      };
      tabs.set(connectionId, tab);
      tab.registration = hub.register(
        user.userId,
        connectionId,
        (m) => deliverToTab(tab, m as ServerMessage),
      );
      try {
        await tab.registration;
      } catch (error) {
        // The hub is unreachable: forget the tab; the route should close its socket.
        tabs.delete(connectionId);
        throw error;
      }
      const gone = departed.get(connectionId);
      if (gone && gone.userId === user.userId) {
        gone.timer.cancel();
        departed.delete(connectionId);
        const sender = { userId: user.userId, connectionId };
        for (const callId of gone.callIds) {
          track(tab, callId);
          await serial.run(callId, async () => {
            const owned = calls.get(callId);
            if (owned) connectionBack(owned, connectionId);
            else await hub.publish(callAddress(callId), { kind: "back", sender });
          });
        }
      }
      const connections = await hub.connectionCount(user.userId);
      sendTab(tab, { type: "presence", ...partyOf(user), online: true, connections });
    },

    async receive(connectionId, raw) {
      const tab = tabs.get(connectionId);
      if (!tab) return;
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) return sendTab(tab, parsed.error);
      const message = parsed.message;
      const sender = { userId: tab.user.userId, connectionId };
      track(tab, message.callId);
      try {
        await serial.run(
          message.callId,
          () => message.type === "invite" ? invite(tab, sender, message) : route(sender, message),
        );
      } catch (error) {
        onError(error);
        sendTab(tab, signalError("internal", "the message could not be handled", message.callId));
      }
    },

    async disconnect(connectionId) {
      const tab = tabs.get(connectionId);
      if (!tab) return;
      tabs.delete(connectionId);
      const goneAt = clock.now();
      const callIds = [...tab.calls];
      const userId = tab.user.userId;
      if (callIds.length > 0) {
        const timer = clock.setTimer(graceMs, () => departed.delete(connectionId));
        departed.set(connectionId, { userId, callIds, timer });
      }
      try {
        await (await tab.registration)();
        const sender = { userId, connectionId };
        await Promise.all(callIds.map((callId) =>
          serial.run(callId, async () => {
            const owned = calls.get(callId);
            if (owned) return connectionLost(owned, connectionId, goneAt);
            const envelope: Envelope = { kind: "lost", sender, at: goneAt.getTime() };
            await hub.publish(callAddress(callId), envelope);
          })
        ));
      } catch (error) {
        onError(error);
      }
    },

    activeCalls: () => calls.size,
    settled: () => serial.idle(),

    async close() {
      await serial.idle();
      const now = clock.now();
      for (const owned of [...calls.values()]) {
        await apply(owned, applyConnectionLost(owned.state, owned.state.callerConnectionId, now))
          .catch(onError);
      }
      for (const { timer } of departed.values()) timer.cancel();
      departed.clear();
      await Promise.all([...tabs.values()].map(async (tab) => (await tab.registration)()))
        .catch(onError);
      tabs.clear();
    },
  };
}

function partyOf(user: CallUser) {
  return { care4wId: user.care4wId, displayName: user.displayName };
}
