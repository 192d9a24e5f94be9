/**
 * Resume tickets: the state of an answered call, signed by web and handed to both tabs. A browser
 * call's media runs peer to peer, so when web restarts (or a tab's signaling reconnects to another
 * instance) the audio goes on; the ticket lets a tab bring the call's state back to whichever
 * instance it reaches, which then relays its hang-up and writes its one record as if nothing had
 * happened. Nothing is trusted from the ticket unless its HMAC checks, and a tab may present only
 * its own (its user and its tab id are in it).
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { CallState } from "./call-state.ts";

/** Tickets older than this are refused: no real call lasts longer. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

const user = z.object({
  userId: z.string().min(1).max(100),
  care4wId: z.string().min(1).max(40),
  displayName: z.string().max(200),
});
const payload = z.object({
  callId: z.uuid(),
  caller: user,
  callerConnectionId: z.string().min(1).max(200),
  callee: user,
  calleeConnectionId: z.string().min(1).max(200),
  startedAt: z.number().int(),
  answeredAt: z.number().int(),
  recordedBy: z.string().max(40).nullable(),
});

/** Issues and reads the tickets of one deployment (every instance shares `secret`). */
export interface CallTickets {
  /** The ticket of an answered call. */
  issue(call: CallState): string;
  /** The answered call a ticket stands for, or null when it is not one of ours or too old. */
  read(ticket: string, now: Date): CallState | null;
}

/** Tickets signed with HMAC-SHA256 under `secret`. */
export function createCallTickets(secret: string | Uint8Array): CallTickets {
  const sign = (body: string) => createHmac("sha256", secret).update(body).digest("base64url");
  return {
    issue(call) {
      const body = Buffer.from(JSON.stringify({
        callId: call.callId,
        caller: call.caller,
        callerConnectionId: call.callerConnectionId,
        callee: call.callee,
        calleeConnectionId: call.calleeConnectionId,
        startedAt: call.startedAt.getTime(),
        answeredAt: (call.answeredAt ?? call.startedAt).getTime(),
        recordedBy: call.recordedBy,
      })).toString("base64url");
      return `${body}.${sign(body)}`;
    },
    read(ticket, now) {
      const [body, signature] = ticket.split(".");
      if (!body || !signature) return null;
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        return null;
      }
      const parsed = payload.safeParse(decoded);
      if (!parsed.success) return null;
      const p = parsed.data;
      if (now.getTime() - p.answeredAt > MAX_AGE_MS || p.answeredAt < p.startedAt) return null;
      return {
        callId: p.callId,
        phase: "answered",
        caller: p.caller,
        callerConnectionId: p.callerConnectionId,
        callee: p.callee,
        calleeConnectionId: p.calleeConnectionId,
        startedAt: new Date(p.startedAt),
        answeredAt: new Date(p.answeredAt),
        ringingRelayed: true,
        recordedBy: p.recordedBy,
      };
    },
  };
}
