/**
 * The captured calls changed in one respect each, to cover what the captures themselves do not
 * show: the B-leg linked by one kind of name only, `Channel-Call-UUID` changed on it, every
 * unanswered status reached from the legs' hangup causes, and a recording path given only by the
 * dialplan's `careflow_recording_path` variable (no RECORD_STOP).
 */
import { describe, expect, test } from "bun:test";
import type { CallStatus } from "../../../shared/calls.ts";
import { decodeCapture } from "../esl/capture.ts";
import type { EslEvent } from "../esl/event.ts";
import { readCapture } from "../testing/fixtures-path.ts";
import { buildCall, type CallRecord } from "./build.ts";
import { toCdrEvent } from "./cdr-event.ts";
import { EXPECTED } from "./expected-calls.ts";
import { eventsWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { legsFromEvents } from "./from-esl.ts";
import { groupLegs } from "./group.ts";

function events(file: string): EslEvent[] {
  return decodeCapture(readCapture(file)).events;
}

function recordOf(list: EslEvent[]): CallRecord {
  const groups = groupLegs(legsFromEvents(list));
  expect(groups.length).toBe(1);
  return buildCall(groups[0].legs);
}

/** `list` with `change` applied to the headers of the events of legs starting with `prefix`. */
function onLeg(
  list: EslEvent[],
  prefix: string,
  change: (headers: Record<string, string>) => void,
): EslEvent[] {
  return list.map((event) => {
    if (!event.headers["Unique-ID"]?.startsWith(prefix)) return event;
    const headers = { ...event.headers };
    change(headers);
    return { ...event, headers };
  });
}

const LINK_HEADERS = [
  "Other-Leg-Unique-ID",
  "variable_originating_leg_uuid",
  "variable_signal_bond",
  "variable_bridge_uuid",
  "variable_originator",
];

describe("legs linked by one kind of name", () => {
  const bridge = events("esl-plain-bridge-two-legs.txt");

  for (const kept of ["Other-Leg-Unique-ID", "variable_originating_leg_uuid"]) {
    test(`${kept} alone joins the B-leg to the call`, () => {
      const only = bridge.map((event) => {
        const headers = { ...event.headers };
        for (const name of LINK_HEADERS) if (name !== kept) delete headers[name];
        return { ...event, headers };
      });
      expect(recordOf(only)).toEqual(EXPECTED["bridge-two-legs"]);
    });
  }

  test("variable_signal_bond alone joins it too", () => {
    const only = bridge.map((event) => {
      const headers = { ...event.headers };
      for (const name of LINK_HEADERS) if (name !== "variable_signal_bond") delete headers[name];
      return { ...event, headers };
    });
    const record = recordOf(only);
    expect(record.legUuids).toEqual(EXPECTED["bridge-two-legs"].legUuids);
    expect(record.rootUuid).toBe(EXPECTED["bridge-two-legs"].rootUuid);
    expect(record).toEqual(EXPECTED["bridge-two-legs"]);
  });

  test("Channel-Call-UUID is not used: changing it on the B-leg changes nothing", () => {
    const changed = onLeg(bridge, "b221b49d", (headers) => {
      headers["Channel-Call-UUID"] = "b221b49d-fd66-483b-bd28-b2f8b8391ef8";
    });
    expect(recordOf(changed)).toEqual(EXPECTED["bridge-two-legs"]);
  });
});

// `failed` is the capture as it is (INCOMPATIBLE_DESTINATION on both legs): see build.test.ts.
describe("every unanswered status from the legs' hangup causes", () => {
  const failed = events("esl-plain-bridge-fail-incompatible-codec.txt");
  const cases: Array<[string, string, CallStatus]> = [
    ["ba550770", "USER_BUSY", "busy"],
    ["ba550770", "CALL_REJECTED", "declined"],
    ["ba550770", "USER_NOT_REGISTERED", "unavailable"],
    ["ba550770", "NO_ANSWER", "missed"],
    ["87a9db38", "ORIGINATOR_CANCEL", "cancelled"], // the caller gave up
  ];
  for (const [leg, cause, status] of cases) {
    test(`${leg === "ba550770" ? "B" : "A"}-leg ${cause} → ${status}`, () => {
      const list = onLeg(failed, leg, (headers) => {
        if (headers["Hangup-Cause"]) headers["Hangup-Cause"] = cause;
        if (headers["variable_hangup_cause"]) headers["variable_hangup_cause"] = cause;
      });
      const record = recordOf(list);
      expect(record).toMatchObject({ status, hangupCause: cause, answeredUs: null, billsec: 0 });
      const outcome = toCdrEvent(recordOf(eventsWithCareflow(list, LAB_PARTIES)));
      expect(outcome.event?.call).toMatchObject({ status, hangupCause: cause, answeredAt: null });
    });
  }
});

describe("the recording's path", () => {
  test("without RECORD_STOP, careflow_recording_path names the file", () => {
    const path = "/var/spool/careflow/recordings/call-d63db2b9.wav";
    const list = onLeg(events("esl-commands.txt"), "d63db2b9", (headers) => {
      headers.variable_careflow_recording_path = path;
    });
    expect(recordOf(list).recording).toEqual({ ...EXPECTED.commands.recording!, path });
  });

  test("RECORD_STOP's Record-File-Path is taken when the dialplan named none", () => {
    const list = events("esl-plain-call-record.txt");
    expect(list.some((e) => e.name === "RECORD_STOP")).toBe(true);
    const hangup = list.find((e) => e.name === "CHANNEL_HANGUP_COMPLETE")!;
    expect(Object.values(hangup.headers).some((v) => v.endsWith(".wav"))).toBe(false);
    expect(recordOf(list).recording?.path).toBe(EXPECTED["call-record"].recording!.path);
  });
});

describe("who a recording was made for", () => {
  test("the dialplan's careflow_record_for names whose setting recorded the call", () => {
    const withOwners = eventsWithCareflow(events("esl-json-bridge-two-legs.txt"), {
      ...LAB_PARTIES,
      careflow_record_for: "care4w-1000002, not-an-id,CARE4W-1000001",
    });
    const record = recordOf(withOwners);
    expect(record.recording?.recordedFor).toEqual(["care4w-1000002", "care4w-1000001"]);
    const outcome = toCdrEvent(record);
    expect(outcome.event?.call.recordedBy).toBe("care4w-1000002");
  });

  test("without it, or for a voicemail, nobody is named", () => {
    const plain = toCdrEvent(recordOf(eventsWithCareflow(
      events("esl-json-bridge-two-legs.txt"),
      LAB_PARTIES,
    )));
    expect(plain.event?.call.recordedBy).toBeUndefined();
    const voicemail = recordOf(eventsWithCareflow(events("esl-json-voicemail-deposit.txt"), {
      careflow_caller: "+15551230002",
      careflow_callee: "care4w-1000002",
      careflow_record_for: "care4w-1000002",
    }));
    expect(voicemail.recording).toMatchObject({ kind: "voicemail", recordedFor: [] });
  });
});
