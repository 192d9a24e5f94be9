/**
 * Keeping a browser-to-browser call through a signaling outage. The audio runs peer to peer, so
 * a web restart or a dropped socket need not end it: the server hands each tab a ticket when the
 * call is answered, and after reconnecting the tab presents it (`resume`). A hang-up made while
 * the socket was down is kept and told on reconnect, with the moment it happened.
 */
import type { ClientMessage } from "../../../shared/signal.ts";

/** What the engine asks of its call's resume ticket. */
export interface CallResume {
  /** Keeps the ticket the server issued for `callId`. */
  keep(callId: string, ticket: string): void;
  /**
   * Whether the socket should say it still holds a call when it connects (`resume=1`);
   * `currentCallId`: the call in progress here, if any.
   */
  holding(currentCallId: string | null): boolean;
  /**
   * The socket is open again (or the server asks, after restoring the call): presents the
   * current call's ticket, or tells of the hang-up made meanwhile.
   */
  present(currentCallId: string | null, send: (message: ClientMessage) => boolean): void;
  /** The call ended here; `told`: the server heard of it. Untold hang-ups wait for `present`. */
  ended(callId: string, told: boolean): void;
}

/** The resume state of one engine. */
export function createCallResume(now: () => number = Date.now): CallResume {
  let held: { callId: string; ticket: string } | null = null;
  let untold: { callId: string; ticket: string; endedAt: number } | null = null;
  return {
    keep(callId, ticket) {
      held = { callId, ticket };
    },
    // Any call, answered or still ringing: the server keeps what this tab says it still has.
    holding: (current) => untold !== null || current !== null,
    present(current, send) {
      if (untold && send({ type: "resume", ...untold })) untold = null;
      if (held && held.callId === current) send({ type: "resume", ...held });
    },
    ended(callId, told) {
      if (held?.callId !== callId) return;
      if (!told) untold = { ...held, endedAt: now() };
      held = null;
    },
  };
}
