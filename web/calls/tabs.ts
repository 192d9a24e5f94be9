/**
 * Tabs connecting and vanishing: registration with the hub, the presence frame, and resuming the
 * calls of a tab that comes back within the grace period (a reload, a network blip).
 */
import type { ServerMessage } from "../../shared/signal.ts";
import { isCallEnd } from "../../shared/signal.ts";
import { apply, connectionBack, connectionLost } from "./owned.ts";
import { applyConnectionLost } from "./call-state.ts";
import type { CallUser } from "./rules.ts";
import type { Runtime } from "./runtime.ts";
import { callAddress, type Envelope, type Tab } from "./types.ts";
import { dropActivity, noteActivity } from "./activity.ts";

/** Frames the hub delivers to a local tab pass here, so the tab knows its calls. */
function deliverToTab(rt: Runtime, tab: Tab, frame: ServerMessage) {
  if (frame.type !== "error" && frame.type !== "presence") {
    if (isCallEnd(frame)) tab.calls.delete(frame.callId);
    else rt.track(tab, frame.callId);
  }
  rt.sendTab(tab, frame);
}

/** A tab's socket opened; see `CallService.connect`. */
export async function connectTab(
  rt: Runtime,
  user: CallUser,
  connectionId: string,
  send: (frame: ServerMessage) => void,
  resuming: boolean,
): Promise<void> {
  // A live id is never taken over: that would hand one tab's frames to another.
  if (rt.tabs.has(connectionId)) throw new Error(`connection ${connectionId} is already open`);
  const tab: Tab = { user, send, calls: new Set(), registration: Promise.resolve(async () => {}) };
  rt.tabs.set(connectionId, tab);
  tab.registration = rt.hub.register(
    user.userId,
    connectionId,
    (m) => deliverToTab(rt, tab, m as ServerMessage),
  );
  try {
    await tab.registration;
  } catch (error) {
    // The hub is unreachable: forget the tab; the route should close its socket.
    rt.tabs.delete(connectionId);
    throw error;
  }
  await resume(rt, tab, connectionId, resuming);
  // Just opened, so just used: active until the page's own `activity` frames say otherwise.
  await noteActivity(rt, tab, connectionId, true, false).catch(rt.onError);
  const connections = await rt.hub.connectionCount(user.userId);
  rt.sendTab(tab, {
    type: "presence",
    care4wId: user.care4wId,
    displayName: user.displayName,
    online: true,
    connections,
  });
}

/**
 * The tab is back within the grace period: its calls go on when it says it still has them
 * (`resuming`); a reloaded page has forgotten them, so they end now, for both sides at once.
 */
async function resume(rt: Runtime, tab: Tab, connectionId: string, resuming: boolean) {
  const gone = rt.departed.get(connectionId);
  if (!gone || gone.userId !== tab.user.userId) return;
  gone.timer.cancel();
  rt.departed.delete(connectionId);
  const sender = { userId: tab.user.userId, connectionId };
  const at = rt.clock.now();
  for (const callId of gone.callIds) {
    if (resuming) rt.track(tab, callId);
    await rt.serial.run(callId, async () => {
      const owned = rt.calls.get(callId);
      const envelope: Envelope = resuming
        ? { kind: "back", sender }
        : { kind: "gone", sender, at: at.getTime() };
      if (!owned) return await rt.hub.publish(callAddress(callId), envelope);
      connectionBack(owned, connectionId);
      if (!resuming) await apply(rt, owned, applyConnectionLost(owned.state, connectionId, at));
    });
  }
}

/** A tab's socket closed: its calls learn it is gone, wherever they are owned. */
export async function disconnectTab(rt: Runtime, connectionId: string): Promise<void> {
  const tab = rt.tabs.get(connectionId);
  if (!tab) return;
  rt.tabs.delete(connectionId);
  const goneAt = rt.clock.now();
  const callIds = [...tab.calls];
  const userId = tab.user.userId;
  if (callIds.length > 0) {
    const timer = rt.clock.setTimer(rt.graceMs, () => rt.departed.delete(connectionId));
    rt.departed.set(connectionId, { userId, callIds, timer });
  }
  try {
    await dropActivity(rt, tab, connectionId);
    await (await tab.registration)();
    const sender = { userId, connectionId };
    await Promise.all(callIds.map((callId) =>
      rt.serial.run(callId, async () => {
        const owned = rt.calls.get(callId);
        if (owned) return connectionLost(rt, owned, connectionId, goneAt);
        const envelope: Envelope = { kind: "lost", sender, at: goneAt.getTime() };
        await rt.hub.publish(callAddress(callId), envelope);
      })
    ));
  } catch (error) {
    rt.onError(error);
  }
}
