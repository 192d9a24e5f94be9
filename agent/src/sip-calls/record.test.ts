/** Kamailio's call records read into cdr events: statuses, causes, ids, and what is refused. */
import { expect, test } from "bun:test";
import {
  cdrOfKamailioRecord,
  type KamailioCallRecord,
  recordOutcome,
  sipCallId,
} from "./record.ts";

const record = (over: Partial<KamailioCallRecord> = {}): KamailioCallRecord => ({
  callId: "a84b4c76e66710@pc33.example",
  fromTag: "1928301774",
  caller: "care4w-1000001",
  callee: "care4w-1000002",
  created: "1796176189.894476",
  answered: "1796176191.5",
  ended: "1796176250.200921",
  code: "200",
  transferredBy: "",
  transferredTo: "",
  ...over,
});
const eventOf = (r: unknown) => {
  const outcome = cdrOfKamailioRecord(JSON.stringify(r));
  if (!("event" in outcome)) throw new Error(`no event: ${outcome.problem}`);
  return outcome.event;
};

test("an answered call is completed, its times in ISO with the microseconds cut to ms", () => {
  const { call, id, at } = eventOf(record());
  expect(call.status).toBe("completed");
  expect(call.hangupCause).toBe("NORMAL_CLEARING");
  expect(call.startedAt).toBe("2026-12-02T01:49:49.894Z");
  expect(call.answeredAt).toBe("2026-12-02T01:49:51.500Z");
  expect(call.endedAt).toBe(at);
  expect(call.mode).toBe("sip");
  expect(id).toBe(`cdr-${call.id}`);
});

test("an unanswered call's status comes from the final reply", () => {
  const cases: Array<[string, string, string | null]> = [
    ["486", "busy", "USER_BUSY"],
    ["600", "busy", "USER_BUSY"],
    ["603", "declined", "CALL_REJECTED"],
    ["433", "declined", "CALL_REJECTED"],
    ["487", "cancelled", "ORIGINATOR_CANCEL"],
    ["408", "missed", "NO_ANSWER"],
    ["480", "unavailable", "NO_USER_RESPONSE"],
    ["404", "unavailable", "UNALLOCATED_NUMBER"],
    ["503", "failed", null],
    ["", "failed", null],
  ];
  for (const [code, status, cause] of cases) {
    expect(recordOutcome({ answered: "", code })).toEqual({ status, cause } as never);
    const { call } = eventOf(record({ answered: "", code }));
    expect([call.status, call.hangupCause ?? null, call.answeredAt]).toEqual([status, cause, null]);
  }
});

test("the call id is the dialog's alone: the same record twice is one call, another dialog another", () => {
  expect(eventOf(record()).id).toBe(eventOf(record({ ended: "1796176300.1" })).id);
  expect(eventOf(record()).id).not.toBe(eventOf(record({ fromTag: "other" })).id);
  expect(sipCallId("x@y", "t")).toMatch(/^sip-[0-9a-f]{40}$/);
});

test("outside numbers are phones; transfers are named", () => {
  const { call } = eventOf(record({ callee: "+4930123456", transferredBy: "care4w-1000003" }));
  expect(call.callee).toEqual({ phone: "+4930123456" });
  expect(call.transferredBy).toBe("care4w-1000003");
  expect(call.transferredTo).toBeUndefined();
  expect(eventOf(record({ transferredTo: "care4w-1000004" })).call.transferredTo).toBe(
    "care4w-1000004",
  );
});

test("anything else is refused: not JSON, other fields, bad parties, impossible times", () => {
  expect(cdrOfKamailioRecord(null)).toEqual({ problem: "malformed" });
  expect(cdrOfKamailioRecord("{")).toEqual({ problem: "malformed" });
  const malformed = [
    { ...record(), extra: 1 },
    record({ caller: "bob" }),
    record({ callee: "4930123456" }),
    record({ created: "yesterday" }),
    record({ code: "99" }),
    record({ transferredBy: "care4w-1" }),
    record({ callId: "" }),
    record({ callId: "x".repeat(257) }),
  ];
  for (const r of malformed) {
    expect(cdrOfKamailioRecord(JSON.stringify(r))).toEqual({ problem: "malformed" });
  }
  const impossible = [
    record({ ended: "1796176000.0" }),
    record({ answered: "1796176100.0" }),
    record({ answered: "1796176300.0" }),
  ];
  for (const r of impossible) {
    expect(cdrOfKamailioRecord(JSON.stringify(r))).toEqual({ problem: "invalid" });
  }
});
