/**
 * mod_json_cdr's files (one per leg) give the same calls as the ESL captures of the same calls:
 * the same records (the hand-written ones) and, with the dialplan's variables on both sides, the
 * same cdr events, byte for byte, so web keeps one of them.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { decodeCapture } from "../esl/capture.ts";
import { fixturePath, readCapture } from "../testing/fixtures-path.ts";
import { buildCall } from "./build.ts";
import { toCdrEvent } from "./cdr-event.ts";
import { CAPTURE_FILES, EXPECTED } from "./expected-calls.ts";
import { eventsWithCareflow, jsonCdrWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { legsFromEvents } from "./from-esl.ts";
import { legFromJsonCdr, legFromJsonCdrText } from "./from-json-cdr.ts";
import { groupLegs } from "./group.ts";
import type { LegSummary } from "./leg.ts";

const files = readdirSync(fixturePath("json-cdr")).filter((name) => name.endsWith(".cdr.json"));
const documents = files.map((name) =>
  JSON.parse(readFileSync(fixturePath("json-cdr", name), "utf8"))
);

function legsOf(docs: unknown[]): LegSummary[] {
  return docs.map((doc) => {
    const read = legFromJsonCdr(doc);
    if (!read.ok) throw new Error(read.error);
    return read.leg;
  });
}

function callsFromFiles(docs: unknown[]) {
  return new Map(
    groupLegs(legsOf(docs)).map((group) => {
      expect(group.missing).toEqual([]);
      const record = buildCall(group.legs);
      return [record.rootUuid, record];
    }),
  );
}

// Every call with a JSON CDR (the Kamailio call was captured on a run without json_cdr).
const CALLS = Object.keys(CAPTURE_FILES).filter((call) => call !== "kamailio-pstn-call");

describe("the CDR folder's files", () => {
  test("eleven files, six calls, every leg accounted for", () => {
    expect(files.length).toBe(11);
    const calls = callsFromFiles(documents);
    expect([...calls.keys()].sort()).toEqual(CALLS.map((call) => EXPECTED[call].rootUuid).sort());
  });

  for (const call of CALLS) {
    test(`${call}: the same record as from its ESL capture`, () => {
      const fromFiles = callsFromFiles(documents).get(EXPECTED[call].rootUuid)!;
      // ESL without RECORD_STOP (esl-commands.txt) does not know the path; the app log does.
      const expected = structuredClone(EXPECTED[call]);
      if (call === "commands") {
        expected.recording!.path =
          "/opt/fs-lab/recordings/cf-record-d63db2b9-c113-488e-8bb9-763b6d9075f5.wav";
      }
      expect(fromFiles).toEqual(expected);
    });

    test(`${call}: the same cdr event as from ESL, with the dialplan's variables`, () => {
      const fromFiles = callsFromFiles(
        documents.map((doc) => jsonCdrWithCareflow(doc, LAB_PARTIES)),
      )
        .get(EXPECTED[call].rootUuid)!;
      for (const file of CAPTURE_FILES[call]) {
        const events = eventsWithCareflow(decodeCapture(readCapture(file)).events, LAB_PARTIES);
        const fromEsl = toCdrEvent(buildCall(legsFromEvents(events)));
        expect(fromEsl.event).not.toBeNull();
        expect(toCdrEvent(fromFiles).event).toEqual(fromEsl.event!);
        expect(JSON.stringify(toCdrEvent(fromFiles).event)).toBe(JSON.stringify(fromEsl.event));
      }
    });
  }
});

describe("files that are not leg CDRs", () => {
  test("are refused with a reason, never thrown on", () => {
    expect(legFromJsonCdrText("{")).toEqual({ ok: false, error: "not JSON" });
    expect(legFromJsonCdrText("[]").ok).toBe(false);
    expect(legFromJsonCdrText('{"variables":{},"callflow":[]}').ok).toBe(false);
    const noUuid = { ...documents[0], variables: { ...documents[0].variables, uuid: "x" } };
    expect(legFromJsonCdr(noUuid)).toEqual({
      ok: false,
      error: "variables.uuid: missing or not a leg id",
    });
    const badFlow = { ...documents[0], callflow: "nope" };
    expect(legFromJsonCdr(badFlow).ok).toBe(false);
  });

  test("junk in a variable reads as absent, not as a number", () => {
    const doc = structuredClone(documents.find((d) => d.variables.uuid.startsWith("ce9459ee")));
    doc.variables.end_uepoch = "soon";
    doc.variables.billsec = "-3";
    doc.variables.rtp_audio_in_mos = "excellent";
    const read = legFromJsonCdr(doc);
    expect(read.ok && read.leg.endedUs).toBe(1796113620460680); // callflow times.hangup_time
    expect(read.ok && read.leg.quality).toBeNull();
  });
});
