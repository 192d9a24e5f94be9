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
 * that a user is on a call from the hub's presence count (and `active:<userId>` for tabs in use,
 * activity.ts, so "away" reads the same way). This needs nothing beyond the hub
 * contract and keeps no call state in Redis; the cost is that calls owned by an instance that
 * crashes are lost (their tabs see no further frames; the presence TTL frees the busy marks).
 *
 * Limits (attempts per minute, concurrent calls) are counted per instance.
 */
import { parseClientMessage, signalError } from "../../shared/signal.ts";
import { applyConnectionLost } from "./call-state.ts";
import { invite } from "./invite.ts";
import { apply, release, route } from "./owned.ts";
import { createRuntime } from "./runtime.ts";
import { connectTab, disconnectTab } from "./tabs.ts";
import { dropActivity, noteActivity } from "./activity.ts";
import { resumeCall } from "./resume.ts";
import type { CallService, CallServiceOptions } from "./types.ts";

export type { CallService, CallServiceOptions } from "./types.ts";
export type { CallUser } from "./rules.ts";

/** Creates the call service of one web instance. */
export function createCallService(options: CallServiceOptions): CallService {
  const rt = createRuntime(options);
  return {
    connect: (user, connectionId, send, resuming) =>
      connectTab(rt, user, connectionId, send, resuming ?? true),

    async receive(connectionId, raw) {
      const tab = rt.tabs.get(connectionId);
      if (!tab) return;
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) return rt.sendTab(tab, parsed.error);
      const message = parsed.message;
      // About the tab, not a call: whether colleagues see the user away (activity.ts).
      if (message.type === "activity") {
        return await noteActivity(rt, tab, connectionId, message.active).catch(rt.onError);
      }
      const sender = { userId: tab.user.userId, connectionId };
      rt.track(tab, message.callId);
      try {
        if (message.type === "invite") {
          // Two people inviting each other are handled one after the other, so the second
          // invite finds the first ringing (glare) instead of both ringing unanswered.
          const pair = [tab.user.care4wId, message.to].sort().join(":");
          await rt.serial.run(
            `pair:${pair}`,
            () => rt.serial.run(message.callId, () => invite(rt, tab, sender, message)),
          );
        } else if (message.type === "resume") {
          await rt.serial.run(message.callId, () => resumeCall(rt, sender, message));
        } else {
          await rt.serial.run(message.callId, () => route(rt, sender, message));
        }
      } catch (error) {
        rt.onError(error);
        rt.sendTab(
          tab,
          signalError("internal", "the message could not be handled", message.callId),
        );
      }
    },

    disconnect: (connectionId) => disconnectTab(rt, connectionId),
    activeCalls: () => rt.calls.size,
    settled: () => rt.serial.idle(),

    async close() {
      await rt.serial.idle();
      const now = rt.clock.now();
      for (const owned of [...rt.calls.values()]) {
        if (rt.tickets && owned.state.phase === "answered") {
          // Handed over: both tabs hold its ticket and resume it where they reconnect.
          await release(rt, owned).catch(rt.onError);
          continue;
        }
        const { callId, callerConnectionId } = owned.state;
        const step = applyConnectionLost(owned.state, callerConnectionId, now);
        await apply(rt, owned, step).catch(rt.onError);
        // The caller hears of it too: its call is over, not ringing on forever.
        const ended = { type: "ended", callId, reason: "failed" } as const;
        await rt.sendTo({ connectionId: callerConnectionId }, ended).catch(rt.onError);
      }
      for (const { timer } of rt.departed.values()) timer.cancel();
      rt.departed.clear();
      await Promise.all([...rt.tabs].map(async ([connectionId, tab]) => {
        await dropActivity(rt, tab, connectionId);
        await (await tab.registration)();
      })).catch(rt.onError);
      rt.tabs.clear();
    },
  };
}
