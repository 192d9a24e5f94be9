/**
 * The real FreeSWITCH captures made to name this test's people. The lab that recorded them had
 * extensions 1000/1001 and no CareFlow dialplan, so its channels carry no `careflow_*` variables
 * and its files live under `/opt/fs-lab`. For a call to land in web's history the channels must
 * name CareFlow IDs that web knows, as our dialplan (`pbx/freeswitch`) sets them: this adds those
 * variables and moves the recording paths into the test's spool, re-framing each JSON event with
 * its new length. Everything else (order, timing, legs, sequence gaps) stays as captured. The
 * byte-for-byte replay tests are elsewhere (`esl/client.test.ts`); this is the end-to-end path.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { MEDIA_VARIABLES } from "../../../shared/media-contract.ts";
import { rewriteFrames, utf8Body, utf8Text } from "../testing/capture-edit.ts";
import { freeswitchFixturesDir } from "../testing/fixtures-path.ts";

const FIXTURES = `${freeswitchFixturesDir()}/`;

/** The two-leg bridge call (recorded stereo, caller hangs up after 8 s) and the voicemail. */
export const BRIDGE = {
  capture: "esl-json-bridge-two-legs.txt",
  aLeg: "a0f09131-061f-488c-9341-e1e5bf65f760",
  bLeg: "b221b49d-fd66-483b-bd28-b2f8b8391ef8",
  wav: "cf-bridge-a0f09131-061f-488c-9341-e1e5bf65f760.wav",
} as const;
export const VOICEMAIL = {
  capture: "esl-json-voicemail-deposit.txt",
  leg: "dd9cc940-beea-4f4f-b634-a5e1280513af",
  wav: "voicemail-1000-msg_15ca3a30-f290-4cb2-9968-8cce12ac959f.wav",
  caller: "+15551230002",
} as const;

/** Who the test's calls are between, and where FreeSWITCH "wrote" their audio. */
export interface CallCast {
  caller: string;
  callee: string;
  spoolDir: string;
}

type Headers = Record<string, string>;

/** Rewrites every JSON event of a capture with `edit`; other frames are kept as they were. */
export function editJsonCapture(capture: Uint8Array, edit: (event: Headers) => void): Uint8Array {
  return rewriteFrames(capture, (head, body) => {
    if (!/^Content-Type: text\/event-json$/m.test(head)) return null;
    const event = JSON.parse(utf8Text(body)) as Headers;
    edit(event);
    return utf8Body(JSON.stringify(event));
  });
}

/** The bridge call's variables on a channel (both legs name the parties; the A-leg records). */
function bridgeVariables(cast: CallCast, uuid: string): Headers {
  if (uuid !== BRIDGE.aLeg && uuid !== BRIDGE.bLeg) return {};
  const parties = {
    [MEDIA_VARIABLES.caller]: cast.caller,
    [MEDIA_VARIABLES.callee]: cast.callee,
  };
  if (uuid !== BRIDGE.aLeg) return parties;
  return {
    ...parties,
    [MEDIA_VARIABLES.recordingKind]: "call",
    [MEDIA_VARIABLES.recordFor]: cast.caller,
    [MEDIA_VARIABLES.recordingPath]: `${cast.spoolDir}/${BRIDGE.wav}`,
  };
}

/** The voicemail channel's variables: an outside caller leaves the callee a message. */
function voicemailVariables(cast: CallCast, uuid: string): Headers {
  if (uuid !== VOICEMAIL.leg) return {};
  return {
    [MEDIA_VARIABLES.caller]: VOICEMAIL.caller,
    [MEDIA_VARIABLES.callee]: cast.callee,
    [MEDIA_VARIABLES.recordingKind]: "voicemail",
    [MEDIA_VARIABLES.voicemailFor]: cast.callee,
    [MEDIA_VARIABLES.recordingPath]: `${cast.spoolDir}/${VOICEMAIL.wav}`,
  };
}

function variablesFor(cast: CallCast, uuid: string): Headers {
  return { ...bridgeVariables(cast, uuid), ...voicemailVariables(cast, uuid) };
}

/** A capture's bytes with the cast's variables on its channels and its files in the spool. */
export function castCapture(file: string, cast: CallCast): Uint8Array {
  const capture = readFileSync(`${FIXTURES}${file}`);
  return editJsonCapture(capture, (event) => {
    const variables = variablesFor(cast, event["Unique-ID"] ?? "");
    for (const [name, value] of Object.entries(variables)) event[`variable_${name}`] = value;
    const path = event["Record-File-Path"];
    if (path) event["Record-File-Path"] = `${cast.spoolDir}/${path.split("/").pop()!}`;
    if (event["Event-Name"] === "RECORD_STOP" && event["Unique-ID"] === VOICEMAIL.leg) {
      event["Record-File-Path"] = `${cast.spoolDir}/${VOICEMAIL.wav}`;
    }
  });
}

/** Puts the WAVs FreeSWITCH wrote for these calls into the spool, as it would have. */
export function fillSpool(spoolDir: string): void {
  mkdirSync(spoolDir, { recursive: true });
  for (const wav of [BRIDGE.wav, VOICEMAIL.wav]) {
    copyFileSync(`${FIXTURES}recordings/${wav}`, `${spoolDir}/${wav}`);
  }
}

/**
 * Writes mod_json_cdr's files for the calls' legs into `cdrDir`, with the cast's variables: what
 * FreeSWITCH leaves on disk however the ESL connection fared.
 */
export function writeJsonCdrs(cdrDir: string, cast: CallCast): void {
  mkdirSync(cdrDir, { recursive: true });
  for (const uuid of [BRIDGE.aLeg, BRIDGE.bLeg, VOICEMAIL.leg]) {
    const file = `${uuid}.cdr.json`;
    const cdr = JSON.parse(readFileSync(`${FIXTURES}json-cdr/${file}`, "utf8")) as {
      variables: Headers;
    };
    Object.assign(cdr.variables, variablesFor(cast, uuid));
    writeFileSync(`${cdrDir}/${file}`, JSON.stringify(cdr));
  }
}
