import { describe, expect, test } from "bun:test";
import { noticeFromEvent, noticeFromVariables, parseOwners, parseParty } from "./intake.ts";
import { jobIdFor, objectKeyFor, recordingEventId, recordingEventIdForPath } from "./job.ts";
import { captureEvent, captureEvents, recordingEvent } from "./testing/esl.ts";

const vars = {
  kind: "call" as const,
  path: "/spool/cf-bridge-a0f09131-061f-488c-9341-e1e5bf65f760.wav",
  recordFor: "care4w-1000001, care4w-1000002,care4w-1000001",
  caller: "care4w-1000001",
  callee: "+15551234567",
};

describe("notices from the captured bridge call", () => {
  test("RECORD_STOP: the file it names, closed, every owner once, the A-leg as the call", () => {
    const read = noticeFromEvent(recordingEvent("RECORD_STOP", vars));
    if (!read.ok) throw new Error(JSON.stringify(read));
    expect(read.notice).toMatchObject({
      path: vars.path,
      kind: "call",
      owners: ["care4w-1000001", "care4w-1000002"],
      caller: "care4w-1000001",
      callee: { phone: "+15551234567" },
      callId: "a0f09131-061f-488c-9341-e1e5bf65f760",
      stopped: true,
      badOwners: 0,
    });
    // Event-Date-Timestamp 1796113714220679 µs, as FreeSWITCH stamped the stop.
    expect(read.notice.endedAt.toISOString()).toBe("2026-12-01T08:28:34.220Z");
  });

  test("the B-leg's hangup (which comes first) names the A-leg's call and is not closed", () => {
    const hangups = captureEvents("esl-plain-bridge-two-legs.txt")
      .filter((e) => e.name === "CHANNEL_HANGUP_COMPLETE");
    expect(hangups[0].headers["Unique-ID"]).toBe("b221b49d-fd66-483b-bd28-b2f8b8391ef8");
    const bLeg = {
      ...hangups[0],
      headers: {
        ...hangups[0].headers,
        variable_careflow_recording: "call",
        variable_careflow_recording_path: vars.path,
        variable_careflow_record_for: "care4w-1000002",
        variable_careflow_caller: vars.caller,
        variable_careflow_callee: "care4w-1000002",
      },
    };
    const read = noticeFromEvent(bLeg);
    if (!read.ok) throw new Error(JSON.stringify(read));
    expect(read.notice.callId).toBe("a0f09131-061f-488c-9341-e1e5bf65f760");
    expect(read.notice.stopped).toBe(false);
    expect(read.notice.path).toBe(vars.path);
  });

  test("channels without careflow_recording, other events, other files are ignored", () => {
    const plain = captureEvent("esl-plain-bridge-two-legs.txt", "RECORD_STOP");
    expect(noticeFromEvent(plain)).toEqual({ ok: false, ignored: true });
    expect(noticeFromEvent(captureEvent("esl-plain-bridge-two-legs.txt", "CHANNEL_ANSWER")))
      .toEqual({ ok: false, ignored: true });
    const greeting = recordingEvent("RECORD_STOP", vars);
    const other = {
      ...greeting,
      headers: { ...greeting.headers, "Record-File-Path": "/spool/greeting.wav" },
    };
    expect(noticeFromEvent(other)).toEqual({ ok: false, ignored: true });
  });

  test("what cannot make a recording event is refused with its reason", () => {
    const refusal = (changes: Record<string, string | undefined>) => {
      const all: Record<string, string | undefined> = {
        careflow_recording: "call",
        careflow_record_for: "care4w-1000001",
        careflow_caller: "care4w-1000001",
        careflow_callee: "care4w-1000002",
        ...changes,
      };
      const read = noticeFromVariables((name) => all[name], {
        path: "/spool/a.wav",
        stopped: true,
        callId: null,
        endedAt: new Date(),
      });
      return read.ok ? "ok" : read.ignored ? "ignored" : read.reason;
    };
    expect(refusal({})).toBe("ok");
    expect(refusal({ careflow_recording: "video" })).toBe("kind");
    expect(refusal({ careflow_record_for: "1000, bob" })).toBe("no_owner");
    expect(refusal({ careflow_caller: "anonymous" })).toBe("caller");
    expect(refusal({ careflow_callee: undefined })).toBe("callee");
    // A voicemail's callee defaults to whom it is for.
    expect(refusal({
      careflow_recording: "voicemail",
      careflow_voicemail_for: "care4w-1000002",
      careflow_callee: undefined,
    })).toBe("ok");
    expect(refusal({ careflow_recording: "voicemail" })).toBe("no_owner");
  });
});

describe("vocabulary", () => {
  test("parties and owner lists", () => {
    expect(parseParty(" care4w-1000001 ")).toBe("care4w-1000001");
    expect(parseParty("+441632960961")).toEqual({ phone: "+441632960961" });
    expect(parseParty("1000")).toBeNull();
    expect(parseOwners("care4w-1000001,x,,care4w-1000001")).toEqual({
      owners: ["care4w-1000001"],
      bad: 1,
    });
  });

  test("ids are stable per file and owner, and fit web's id and key rules", () => {
    const id = jobIdFor("vm/1000/msg_1.wav");
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(jobIdFor("vm/1000/msg_1.wav")).toBe(id);
    expect(jobIdFor("vm/1000/msg_2.wav")).not.toBe(id);
    const eventId = recordingEventId(id, "care4w-1000001");
    expect(recordingEventIdForPath("vm/1000/msg_1.wav", "care4w-1000001")).toBe(eventId);
    // shared/events.ts ids, and web's /api/recordings/:id route (letters, digits, hyphens).
    expect(eventId).toMatch(/^[A-Za-z0-9-]{8,80}$/);
    expect(objectKeyFor("care4w-1000001", eventId, "ogg")).toMatch(/^[A-Za-z0-9/_.-]{1,300}$/);
  });
});
