import { describe, expect, test } from "bun:test";
import { type CallerId, callRefusal, isWithheldCaller } from "./call-refusal.ts";

const shown = (fromUser: string, extra: Partial<CallerId> = {}): CallerId => ({
  fromUser,
  assertedUser: "",
  privacy: "",
  ...extra,
});

describe("isWithheldCaller", () => {
  test("a number, in any common format, is a caller ID", () => {
    for (const user of ["+4930123456", "4930123456", "030123456", "+1-202-555-0100", "112"]) {
      expect(isWithheldCaller(shown(user))).toBe(false);
    }
    // The trunk's asserted number wins over what From says.
    expect(isWithheldCaller(shown("anonymous", { assertedUser: "+4930123456" }))).toBe(false);
    expect(isWithheldCaller(shown("+4930123456", { privacy: "none" }))).toBe(false);
  });

  test("anonymous, no number, zeros or a Privacy header that withholds it are not", () => {
    for (const user of ["anonymous", "Anonymous", "restricted", "", "0000000000", "12", "x123"]) {
      expect(isWithheldCaller(shown(user))).toBe(true);
    }
    for (const privacy of ["id", "user", "header", "ID;critical", "session; id", "none,user"]) {
      expect(isWithheldCaller(shown("+4930123456", { privacy }))).toBe(true);
    }
    expect(isWithheldCaller(shown("+4930123456", { privacy: "session" }))).toBe(false);
  });
});

describe("callRefusal", () => {
  const alice = "care4w-1000001";
  const bob = "care4w-1000002";
  const anonymous = shown("anonymous");
  const number = shown("+4930123456");
  const refusal = (from: string, profile: object, callerId = number) =>
    callRefusal({ from, callee: bob, calleeProfile: profile, callerId });

  test("nothing set: every call rings", () => {
    expect(refusal(alice, {})).toBe("");
    expect(refusal("", {}, anonymous)).toBe("");
  });

  test("do-not-disturb is busy for everyone", () => {
    expect(refusal(alice, { doNotDisturb: true })).toBe("486");
    expect(refusal("", { doNotDisturb: true })).toBe("486");
    expect(refusal("", { doNotDisturb: true }, anonymous)).toBe("486");
  });

  test("no direct calls: colleagues get 480 and learn nothing more; outside phones ring", () => {
    expect(refusal(alice, { allowDirectCalls: false })).toBe("480");
    expect(refusal(alice, { allowDirectCalls: false, doNotDisturb: true })).toBe("480");
    expect(refusal("", { allowDirectCalls: false })).toBe("");
    expect(refusal("", { allowDirectCalls: false }, anonymous)).toBe("");
    // One's own devices are not a colleague.
    expect(callRefusal({
      from: bob,
      callee: bob,
      calleeProfile: { allowDirectCalls: false },
      callerId: number,
    })).toBe("");
  });

  test("blocked anonymous calls: 433 for a withheld outside number, before do-not-disturb", () => {
    expect(refusal("", { blockAnonymousCalls: true }, anonymous)).toBe("433");
    expect(refusal("", { blockAnonymousCalls: true, doNotDisturb: true }, anonymous)).toBe("433");
    expect(refusal("", { blockAnonymousCalls: true })).toBe("");
    // A colleague is never anonymous: their CareFlow identity is asserted.
    expect(refusal(alice, { blockAnonymousCalls: true }, anonymous)).toBe("");
  });
});
