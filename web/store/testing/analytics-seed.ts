/**
 * A deterministic mixed history for analytics tests and the benchmark: calls of every mode and
 * status, both directions, colleagues and outside phones (a withheld number too), self-calls,
 * voicemail that the switch answered, and calls between other people, spread over a period with
 * working hours busier (so DST nights and the repeated hour of autumn are crossed).
 */
import type { CallMode, CallStatus } from "../../../shared/calls.ts";
import type { CallRecord } from "../../calls/rules.ts";

/** A party as the seed uses it: a user (id and CareFlow ID) or a phone (number, or withheld). */
export interface SeedParty {
  userId: string | null;
  care4wId: string | null;
  phone: string | null;
  name: string;
}

/** A small fast PRNG (mulberry32), so the same seed gives the same history everywhere. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUS_WEIGHTS: [CallStatus, number][] = [
  ["completed", 55],
  ["missed", 12],
  ["declined", 6],
  ["cancelled", 6],
  ["unavailable", 4],
  ["busy", 4],
  ["voicemail", 8],
  ["failed", 5],
];

function pick<T>(next: () => number, weighted: [T, number][]): T {
  let roll = next() * weighted.reduce((n, [, w]) => n + w, 0);
  for (const [value, weight] of weighted) if ((roll -= weight) < 0) return value;
  return weighted[weighted.length - 1][0];
}

/** `count` colleagues `u-colleague-N` and `phones` outside numbers, plus a withheld caller. */
export function seedContacts(colleagues: number, phones: number): SeedParty[] {
  const users = Array.from({ length: colleagues }, (_, i) => ({
    userId: `u-colleague-${i}`,
    care4wId: `care4w-${2000001 + i}`,
    phone: null,
    name: `Colleague ${i}`,
  }));
  const numbers = Array.from({ length: phones }, (_, i) => ({
    userId: null,
    care4wId: null,
    phone: `+4477009${String(i).padStart(5, "0")}`,
    name: `+4477009${String(i).padStart(5, "0")}`,
  }));
  return [...users, ...numbers, {
    userId: null,
    care4wId: null,
    phone: null,
    name: "Withheld number",
  }];
}

/** One call of the seed: which mode, who, when, and how it ended. */
function seedCall(
  next: () => number,
  id: string,
  me: SeedParty,
  contacts: readonly SeedParty[],
  start: number,
  days: number,
): CallRecord {
  let other = contacts[Math.floor(next() ** 2 * contacts.length)];
  const roll = next();
  // One in ten is between two colleagues; a few are to oneself (counted once, as outbound).
  if (roll < 0.1) me = contacts[Math.floor(next() * contacts.length)];
  if (roll > 0.998) other = me;
  if (!me.userId && !other.userId) other = contacts[0];
  const mode: CallMode = other.userId && me.userId
    ? (next() < 0.7 ? "webrtc" : "sip")
    : (next() < 0.5 ? "sip" : "twilio");
  const status = pick(next, STATUS_WEIGHTS);
  const [caller, callee] = next() < 0.5 ? [me, other] : [other, me];
  // Working hours busier: the hour is drawn from a hump around the early afternoon.
  const hour = Math.min(23, Math.max(0, Math.round(13 + (next() + next() + next() - 1.5) * 9)));
  const startedAt = start + Math.floor(next() * days) * 86_400_000 + hour * 3_600_000 +
    Math.floor(next() * 3_600_000);
  const talk = status === "completed"
    ? 5 + Math.floor(next() * 1800)
    : status === "voicemail"
    ? 10 + Math.floor(next() * 50)
    : 0;
  const answeredAt = talk > 0 ? startedAt + 4_000 : null;
  return {
    id,
    mode,
    status,
    callerUserId: caller.userId,
    callerCare4wId: caller.care4wId,
    callerPhone: caller.phone,
    callerName: caller.name,
    calleeUserId: callee.userId,
    calleeCare4wId: callee.care4wId,
    calleePhone: callee.phone,
    calleeName: callee.name,
    startedAt: new Date(startedAt),
    answeredAt: answeredAt === null ? null : new Date(answeredAt),
    endedAt: new Date((answeredAt ?? startedAt + 20_000) + talk * 1000),
    durationSeconds: talk,
    recordedBy: null,
    hangupCause: null,
    quality: null,
    transferredBy: null,
    transferredTo: null,
  };
}

/**
 * `count` calls, most of them `me`'s, starting within `days` days from `start` (epoch ms; hours
 * are UTC, so a zone's DST nights get calls too).
 */
export function seedCalls(options: {
  count: number;
  me: SeedParty;
  contacts: readonly SeedParty[];
  start: number;
  days: number;
  seed?: number;
}): CallRecord[] {
  const next = random(options.seed ?? 15);
  return Array.from(
    { length: options.count },
    (_, i) =>
      seedCall(next, `seed-${i}`, options.me, options.contacts, options.start, options.days),
  );
}
