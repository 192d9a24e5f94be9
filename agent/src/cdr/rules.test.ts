/** The status mapping table, the party rules and the leg quality reading, case by case. */
import { describe, expect, test } from "bun:test";
import type { CallStatus } from "../../../shared/calls.ts";
import { legQuality } from "./leg.ts";
import { partyOf, readParty } from "./parties.ts";
import { callStatus } from "./status.ts";

const unanswered = (rootCause: string | null, ...otherCauses: string[]) =>
  callStatus({ answered: false, voicemail: false, rootCause, otherCauses });

// Unanswered calls: the cause, the status it gives.
const UNANSWERED: Array<[string, CallStatus]> = [
  ["USER_BUSY", "busy"],
  ["CALL_REJECTED", "declined"],
  ["NO_ROUTE_DESTINATION", "unavailable"],
  ["USER_NOT_REGISTERED", "unavailable"],
  ["UNALLOCATED_NUMBER", "unavailable"],
  ["SUBSCRIBER_ABSENT", "unavailable"],
  ["NO_ANSWER", "missed"],
  ["NO_USER_RESPONSE", "missed"],
  ["ALLOTTED_TIMEOUT", "missed"],
  ["ORIGINATOR_CANCEL", "cancelled"],
  ["INCOMPATIBLE_DESTINATION", "failed"],
  ["NORMAL_TEMPORARY_FAILURE", "failed"],
  ["RECOVERY_ON_TIMER_EXPIRE", "failed"],
  ["NORMAL_CLEARING", "missed"], // unanswered, nothing failed: the caller gave up early
];

describe("hangup cause → status", () => {
  test.each(UNANSWERED)("unanswered, %s → %s", (cause, status) => {
    expect(unanswered(cause).status).toBe(status);
  });

  test("answered is completed whatever the cause; a voicemail wins over both", () => {
    const answered = {
      answered: true,
      voicemail: false,
      rootCause: "MEDIA_TIMEOUT",
      otherCauses: [],
    };
    expect(callStatus(answered)).toEqual({ status: "completed", cause: "MEDIA_TIMEOUT" });
    expect(callStatus({ ...answered, voicemail: true }).status).toBe("voicemail");
    expect(callStatus({ ...answered, answered: false, voicemail: true }).status).toBe("voicemail");
  });

  test("the B-legs say why when the A-leg's cause does not", () => {
    expect(unanswered("NORMAL_CLEARING", "USER_BUSY")).toEqual({
      status: "busy",
      cause: "USER_BUSY",
    });
    // A forked call: one device declined, another rang out, a third was not registered.
    expect(unanswered("NORMAL_CLEARING", "NO_ANSWER", "CALL_REJECTED", "USER_NOT_REGISTERED"))
      .toEqual({ status: "declined", cause: "CALL_REJECTED" });
    expect(unanswered("NORMAL_CLEARING", "USER_NOT_REGISTERED", "NO_ANSWER").status).toBe("missed");
    expect(unanswered("NORMAL_CLEARING", "LOSE_RACE", "USER_NOT_REGISTERED").status).toBe(
      "unavailable",
    );
    // The caller hanging up first is a cancel, whatever the devices were doing.
    expect(unanswered("ORIGINATOR_CANCEL", "NO_ANSWER").status).toBe("cancelled");
    expect(unanswered(null).status).toBe("missed");
  });
});

describe("parties", () => {
  test("CareFlow IDs and E.164 only, nothing guessed", () => {
    expect(partyOf("care4w-1000411")).toBe("care4w-1000411");
    expect(partyOf("CARE4W-1000411")).toBe("care4w-1000411");
    expect(partyOf("+15551234567")).toEqual({ phone: "+15551234567" });
    expect(partyOf("15551230001")).toBeNull(); // no +: national or international, unknown
    expect(partyOf("1000")).toBeNull(); // an extension
    expect(partyOf("1000411")).toBeNull(); // a 7-digit short ID is a keypad form, not a SIP user
    expect(partyOf("anonymous")).toBeNull();
    expect(partyOf("")).toBeNull();
  });

  test("the dialplan's value is final; the switch's numbers are the fallback", () => {
    expect(readParty("care4w-1000001", "+15551234567")).toEqual({ party: "care4w-1000001" });
    expect(readParty(undefined, "15551230001", "+15551234567")).toEqual({
      party: { phone: "+15551234567" },
    });
    expect(readParty(undefined, "15551230001")).toEqual({ raw: "15551230001" });
    expect(readParty("withheld", "care4w-1000001")).toEqual({ raw: "withheld" });
    expect(readParty(null, null)).toEqual({ raw: null });
  });
});

describe("leg quality", () => {
  const vars = (values: Record<string, string>) => (name: string) => values[name];

  test("MOS as given, jitter √variance in ms, loss rate as a percentage", () => {
    expect(legQuality(vars({
      rtp_audio_in_packet_count: "235",
      rtp_audio_in_mos: "3.91",
      rtp_audio_in_jitter_max_variance: "100.00",
      rtp_audio_in_jitter_loss_rate: "0.0125",
    }))).toEqual({ mos: 3.91, jitterMs: 10, lossPercent: 1.25 });
  });

  test("no packets, no MOS or junk give no quality", () => {
    expect(legQuality(vars({ rtp_audio_in_packet_count: "0", rtp_audio_in_mos: "4.50" })))
      .toBeNull();
    expect(legQuality(vars({ rtp_audio_in_packet_count: "9" }))).toBeNull();
    expect(legQuality(vars({ rtp_audio_in_packet_count: "9", rtp_audio_in_mos: "NaN" })))
      .toBeNull();
    expect(legQuality(vars({ rtp_audio_in_packet_count: "9", rtp_audio_in_mos: "7" }))).toBeNull();
  });
});
