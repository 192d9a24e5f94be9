/**
 * Resume tickets: the state of an answered call, signed by web and handed to both tabs. A browser
 * call's media runs peer to peer, so when web restarts (or a tab's signaling reconnects to another
 * instance) the audio goes on; the ticket lets a tab bring the call's state back to whichever
 * instance it reaches, which then relays its hang-up and writes its one record as if nothing had
 * happened. Nothing is trusted from the ticket unless its HMAC checks, and a tab may present only
 * its own (its user and its tab id are in it). A call's tickets are issued again whenever what the
 * record will say changes (who records it), so the newest ticket always writes the right record.
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
  /** Who handed the caller over (absent from tickets issued before it was carried). */
  transferredBy: z.object({ care4wId: z.string().min(1).max(40), displayName: z.string().max(200) })
    .nullable().optional(),
});

/** A transfer grant is used at once (the transferee's tab invites straight away). */
const GRANT_MAX_AGE_MS = 2 * 60 * 1000;

const grantPayload = z.object({
  kind: z.literal("transfer"),
  callId: z.uuid(),
  transfereeUserId: z.string().min(1).max(100),
  to: z.string().min(1).max(40),
  by: z.object({ care4wId: z.string().min(1).max(40), displayName: z.string().max(200) }),
  /** Attended: the transferor's call with `to` that the new call replaces. */
  replaces: z.uuid().optional(),
  issuedAt: z.number().int(),
});

/**
 * What a blind transfer lets the transferee do: invite `to`, the new call naming `by` as who
 * transferred it (on the callee's screen and in the record).
 */
export type TransferGrant = Omit<z.infer<typeof grantPayload>, "kind" | "issuedAt">;

/** Issues and reads the tickets of one deployment (every instance shares `secret`). */
export interface CallTickets {
  /** The ticket of an answered call. */
  issue(call: CallState): string;
  /** The answered call a ticket stands for, or null when it is not one of ours or too old. */
  read(ticket: string, now: Date): CallState | null;
  /** A transfer grant (signed apart from tickets: one never passes for the other). */
  grant(grant: TransferGrant, now: Date): string;
  /** The grant a token stands for, or null when it is not one of ours or too old. */
  readGrant(token: string, now: Date): TransferGrant | null;
}

/** Tickets signed with HMAC-SHA256 under `secret`. */
export function createCallTickets(secret: string | Uint8Array): CallTickets {
  const sign = (body: string) => createHmac("sha256", secret).update(body).digest("base64url");
  const signGrant = (body: string) => sign(`transfer.${body}`);
  return {
    grant(grant, now) {
      const body = Buffer.from(JSON.stringify({
        kind: "transfer",
        ...grant,
        issuedAt: now.getTime(),
      })).toString("base64url");
      return `${body}.${signGrant(body)}`;
    },
    readGrant(token, now) {
      const parsed = grantPayload.safeParse(verified(token, signGrant));
      if (!parsed.success) return null;
      const { kind: _kind, issuedAt, ...grant } = parsed.data;
      const age = now.getTime() - issuedAt;
      return age < 0 || age > GRANT_MAX_AGE_MS ? null : grant;
    },
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
        transferredBy: call.transferredBy ?? null,
      })).toString("base64url");
      return `${body}.${sign(body)}`;
    },
    read(ticket, now) {
      const parsed = payload.safeParse(verified(ticket, sign));
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
        transferredBy: p.transferredBy ?? null,
      };
    },
  };
}

/** The JSON a signed token carries, or undefined when its signature does not check. */
function verified(token: string, sign: (body: string) => string): unknown {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
