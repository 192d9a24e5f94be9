/**
 * The CDR builder on every capture that holds a call, against records written by hand
 * (`expected-calls.ts`). The plain and json captures of a call give the same record, and so does
 * any order of the events (B-leg hangup first, Event-Sequence inversions, reversed, shuffled).
 */
import { describe, expect, test } from "bun:test";
import { decodeCapture } from "../esl/capture.ts";
import type { EslEvent } from "../esl/event.ts";
import { readCapture } from "../testing/fixtures-path.ts";
import { buildCall, type CallRecord } from "./build.ts";
import { toCdrEvent } from "./cdr-event.ts";
import { CAPTURE_FILES, EXPECTED } from "./expected-calls.ts";
import { eventsWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { legsFromEvents } from "./from-esl.ts";
import { groupLegs } from "./group.ts";

function events(file: string): EslEvent[] {
  return decodeCapture(readCapture(file)).events;
}

function recordOf(list: EslEvent[]): CallRecord {
  const groups = groupLegs(legsFromEvents(list));
  expect(groups.length).toBe(1);
  expect(groups[0].missing).toEqual([]);
  return buildCall(groups[0].legs);
}

describe("one record per captured call", () => {
  for (const [call, files] of Object.entries(CAPTURE_FILES)) {
    for (const file of files) {
      test(`${file}`, () => {
        expect(recordOf(events(file))).toEqual(EXPECTED[call]);
      });
    }
    test(`${call}: any order of its events gives the same record`, () => {
      const list = events(files[0]);
      expect(recordOf([...list].reverse())).toEqual(EXPECTED[call]);
      // A fixed shuffle (a seeded LCG), so a failure reproduces.
      let seed = 42;
      const shuffled = [...list].sort(() =>
        ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3) - 1
      );
      expect(recordOf(shuffled)).toEqual(EXPECTED[call]);
    });
  }

  test("captures without calls give no legs", () => {
    for (
      const file of ["esl-auth-fail.txt", "esl-json-bgapi.txt", "esl-plain-unregister-shutdown.txt"]
    ) {
      expect(legsFromEvents(events(file))).toEqual([]);
    }
  });
});

describe("the cdr event", () => {
  test("the Kamailio call (CareFlow caller, E.164 callee) gives the full event", () => {
    const outcome = toCdrEvent(EXPECTED["kamailio-pstn-call"]);
    expect(outcome.event).toEqual({
      id: "cdr-e495c2ef-777a-4af6-a155-9edde87c2aa1",
      type: "cdr",
      at: "2026-12-01T09:19:29.482Z",
      call: {
        id: "e495c2ef-777a-4af6-a155-9edde87c2aa1",
        mode: "sip",
        status: "completed",
        caller: "care4w-1000411",
        callee: { phone: "+15551234567" },
        startedAt: "2026-12-01T09:19:26.482Z",
        answeredAt: "2026-12-01T09:19:26.482Z",
        endedAt: "2026-12-01T09:19:29.482Z",
        hangupCause: "NORMAL_CLEARING",
        quality: { mos: 4.5, jitterMs: 15.5, lossPercent: 0 },
        recordingId: "rec-e495c2ef-777a-4af6-a155-9edde87c2aa1",
      },
    });
  });

  test("lab extensions and numbers without + give no event, and say why", () => {
    for (const call of ["call-record", "bridge-two-legs", "voicemail-deposit", "commands"]) {
      const outcome = toCdrEvent(EXPECTED[call]);
      expect(outcome.event).toBeNull();
      expect(outcome).toMatchObject({ problem: "unrepresentable-party" });
    }
  });

  test("with the dialplan's careflow_* variables the captured calls give events", () => {
    const voicemail = toCdrEvent(
      recordOf(eventsWithCareflow(events("esl-json-voicemail-deposit.txt"), {
        careflow_caller: "+15551230002",
        careflow_voicemail_for: "care4w-1000001",
      })),
    );
    expect(voicemail.event?.call).toMatchObject({
      status: "voicemail",
      caller: { phone: "+15551230002" },
      callee: "care4w-1000001", // no careflow_callee: the mailbox's owner
      answeredAt: null,
      recordingId: "vm-dd9cc940-beea-4f4f-b634-a5e1280513af",
    });
    const failed = toCdrEvent(recordOf(eventsWithCareflow(
      events("esl-plain-bridge-fail-incompatible-codec.txt"),
      LAB_PARTIES,
    )));
    expect(failed.event).toMatchObject({
      id: "cdr-87a9db38-ed3b-479f-856e-a9dc31c5d5fe",
      at: "2026-12-01T08:27:54.840Z",
      call: { status: "failed", hangupCause: "INCOMPATIBLE_DESTINATION", answeredAt: null },
    });
    expect(failed.event?.call.quality).toBeUndefined();
    expect(failed.event?.call.recordingId).toBeUndefined();
  });

  test("a careflow_caller that is not a party is not overridden by the switch's caller ID", () => {
    const record = recordOf(eventsWithCareflow(events("esl-plain-kamailio-pstn-call.txt"), {
      careflow_caller: "anonymous",
    }));
    expect(record.caller).toEqual({ raw: "anonymous" });
  });
});
