/** Test helpers for the call service: users, fake tabs that keep what they receive. */
import type { ClientMessage, ServerMessage } from "../../../shared/signal.ts";
import { createMemoryHub } from "../../signal/memory-hub.ts";
import { FakeClock } from "./fake-clock.ts";
import { type CallService, type CallServiceOptions, createCallService } from "../service.ts";
import type { CallRecord, CallUser } from "../rules.ts";

/** Four users with consecutive CareFlow IDs. */
export const users = {
  ann: { userId: "u-ann", care4wId: "care4w-1000001", displayName: "Ann Carer" },
  bob: { userId: "u-bob", care4wId: "care4w-1000002", displayName: "Bob Nurse" },
  cat: { userId: "u-cat", care4wId: "care4w-1000003", displayName: "Cat Doctor" },
  dan: { userId: "u-dan", care4wId: "care4w-1000004", displayName: "Dan Driver" },
} satisfies Record<string, CallUser>;

/** `lookupUser` over `users`. */
export function lookupUser(care4wId: string): CallUser | null {
  return Object.values(users).find((u) => u.care4wId === care4wId) ?? null;
}

/** A `recordCall` that keeps records in an array. */
export function recorder() {
  const records: CallRecord[] = [];
  return { records, recordCall: (r: CallRecord) => void records.push(r) };
}

/** A fake browser tab. `frames` holds what it received since the last `take`. */
export interface FakeTab {
  id: string;
  frames: ServerMessage[];
  /** Sends a frame as JSON text (extra keys allowed, to test that they are ignored). */
  send(message: ClientMessage | Record<string, unknown>): Promise<void>;
  /** Returns and clears the received frames. */
  take(): ServerMessage[];
  close(): Promise<void>;
}

/** Opens a tab on `service`; the initial presence frame is dropped. */
export async function openTab(service: CallService, user: CallUser, id: string): Promise<FakeTab> {
  const frames: ServerMessage[] = [];
  await service.connect(user, id, (frame) => void frames.push(frame));
  frames.length = 0;
  return {
    id,
    frames,
    send: (message) => service.receive(id, JSON.stringify(message)),
    take: () => frames.splice(0, frames.length),
    close: () => service.disconnect(id),
  };
}

/** A fresh call id. */
export const newCallId = () => crypto.randomUUID();

/** Fake SDP and candidate values. */
export const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n";
export const candidate = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host" };

/** Frame \`from\` values of Ann and Bob. */
export const annFrom = { care4wId: users.ann.care4wId, displayName: users.ann.displayName };
export const bobFrom = { care4wId: users.bob.care4wId, displayName: users.bob.displayName };

/** A service on a memory hub with a fake clock (ring 1 s, grace 200 ms). */
export function setup(overrides: Partial<CallServiceOptions> = {}) {
  const clock = new FakeClock();
  const { records, recordCall } = recorder();
  const service = createCallService({
    hub: createMemoryHub(),
    recordCall,
    // As the store answers: an id is used once its call is in the history.
    callIdUsed: (callId) => records.some((record) => record.id === callId),
    lookupUser,
    clock,
    ringTimeoutMs: 1000,
    graceMs: 200,
    ...overrides,
  });
  /** Moves the fake time and lets the work the timers queued finish. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await service.settled();
  };
  return { clock, records, service, advance };
}

/** Ann calls Bob, who has two tabs; returns everything ringing. */
export async function ringing(overrides: Partial<CallServiceOptions> = {}) {
  const ctx = setup(overrides);
  const a = await openTab(ctx.service, users.ann, "ann-1");
  const b1 = await openTab(ctx.service, users.bob, "bob-1");
  const b2 = await openTab(ctx.service, users.bob, "bob-2");
  const callId = newCallId();
  await a.send({ type: "invite", callId, to: users.bob.care4wId });
  return { ...ctx, a, b1, b2, callId };
}

/** As `ringing`, then Bob answers on his first tab. */
export async function answered(overrides: Partial<CallServiceOptions> = {}) {
  const ctx = await ringing(overrides);
  await ctx.b1.send({ type: "accept", callId: ctx.callId });
  for (const tab of [ctx.a, ctx.b1, ctx.b2]) tab.take();
  return ctx;
}
