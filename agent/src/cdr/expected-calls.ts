/**
 * Test data: the record each captured call must give, written by hand from reading the capture
 * (the µs times are the legs' `start_uepoch` / `answer_uepoch` / `end_uepoch`, the quality the
 * `rtp_audio_in_*` variables of CHANNEL_HANGUP_COMPLETE, jitter = √jitter_max_variance), never
 * produced by the code under test. Used by the builder, JSON CDR and tracker tests.
 */
import type { CallRecord } from "./build.ts";

const REC = "/opt/fs-lab/recordings";
const VM = "/opt/fs-lab/storage/voicemail/default/127.0.0.1/1000";

/** The expected record of each captured call (file stem → record). */
export const EXPECTED: Record<string, CallRecord> = {
  // SIPp 15551230001 → 7101: answered by FreeSWITCH, recorded, 3 s tone, hung up by it.
  "call-record": {
    rootUuid: "ce9459ee-587f-4cb1-a1be-95185d04cad7",
    legUuids: ["ce9459ee-587f-4cb1-a1be-95185d04cad7"],
    caller: { raw: "15551230001" }, // not E.164: no "+"
    callee: { raw: "7101" },
    status: "completed",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796113617460674,
    answeredUs: 1796113617460674,
    endedUs: 1796113620460680,
    billsec: 3,
    quality: { mos: 4.5, jitterMs: 15.3, lossPercent: 0 }, // √234.40 ms²
    recording: {
      kind: "recording",
      legUuid: "ce9459ee-587f-4cb1-a1be-95185d04cad7",
      path: `${REC}/cf-record-ce9459ee-587f-4cb1-a1be-95185d04cad7.wav`,
      seconds: 3,
      recordedFor: [],
    },
  },
  // 1000 → 7102, bridged to 1001 (answered 1 s later), recorded stereo, caller hangs up at 8 s.
  // The B-leg's CHANNEL_HANGUP_COMPLETE comes first; Event-Sequence 671 comes after 674.
  "bridge-two-legs": {
    rootUuid: "a0f09131-061f-488c-9341-e1e5bf65f760",
    legUuids: ["a0f09131-061f-488c-9341-e1e5bf65f760", "b221b49d-fd66-483b-bd28-b2f8b8391ef8"],
    caller: { raw: "1000" },
    callee: { raw: "7102" }, // what the caller dialled, not the bridged user
    status: "completed",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796113705160681,
    answeredUs: 1796113706160699, // the B-leg's answer: when the callee picked up
    endedUs: 1796113714220679,
    billsec: 8,
    quality: { mos: 4.5, jitterMs: 28.7, lossPercent: 0 }, // √823.00, both legs
    recording: {
      kind: "recording",
      legUuid: "a0f09131-061f-488c-9341-e1e5bf65f760",
      path: `${REC}/cf-bridge-a0f09131-061f-488c-9341-e1e5bf65f760.wav`,
      seconds: 8,
      recordedFor: [],
    },
  },
  // Same, but the callee answered with a codec never offered: B-leg INCOMPATIBLE_DESTINATION.
  "bridge-fail-incompatible-codec": {
    rootUuid: "87a9db38-ed3b-479f-856e-a9dc31c5d5fe",
    legUuids: ["87a9db38-ed3b-479f-856e-a9dc31c5d5fe", "ba550770-affc-4920-9831-bac09c829363"],
    caller: { raw: "1000" },
    callee: { raw: "7102" },
    status: "failed",
    hangupCause: "INCOMPATIBLE_DESTINATION",
    startedUs: 1796113674820664,
    answeredUs: null,
    endedUs: 1796113674840661,
    billsec: 0,
    quality: null, // the A-leg received 0 packets (its MOS 4.50 means nothing), the B-leg none
    recording: null, // record_seconds 0, and nobody answered
  },
  // 15551230002 → 7103: voicemail for box 1000, a 3 s message, caller hangs up at 12 s.
  "voicemail-deposit": {
    rootUuid: "dd9cc940-beea-4f4f-b634-a5e1280513af",
    legUuids: ["dd9cc940-beea-4f4f-b634-a5e1280513af"],
    caller: { raw: "15551230002" },
    callee: { raw: "7103" },
    status: "voicemail",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796113794800692,
    answeredUs: null, // the switch answered to take a message; the callee did not
    endedUs: 1796113806840685,
    billsec: 0,
    quality: { mos: 4.5, jitterMs: 23.7, lossPercent: 0 }, // √562.80
    recording: {
      kind: "voicemail",
      legUuid: "dd9cc940-beea-4f4f-b634-a5e1280513af",
      path: `${VM}/msg_15ca3a30-f290-4cb2-9968-8cce12ac959f.wav`,
      seconds: 3,
      recordedFor: [],
    },
  },
  // 15551230003 → 7104 → loopback/7101: three channels, the recording on loopback-b.
  "loopback-bridge": {
    rootUuid: "b26322a0-5a04-4f23-b79e-bd331226a0ad",
    legUuids: [
      "b26322a0-5a04-4f23-b79e-bd331226a0ad",
      "f074620b-a724-4843-a39e-db63937d45b7", // loopback-a: originating_leg_uuid = A
      "fb4da676-9381-4e7d-bbba-f0ebd8f1a4be", // loopback-b: other_loopback_from_uuid = A
    ],
    caller: { raw: "15551230003" },
    callee: { raw: "7104" },
    status: "completed",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796113823060681,
    answeredUs: 1796113823060681,
    endedUs: 1796113826080661, // loopback-a hangs up last
    billsec: 3,
    quality: { mos: 4.5, jitterMs: 20.5, lossPercent: 0 }, // √420.06; loopback legs have no RTP
    recording: {
      kind: "recording",
      legUuid: "fb4da676-9381-4e7d-bbba-f0ebd8f1a4be",
      path: `${REC}/cf-record-fb4da676-9381-4e7d-bbba-f0ebd8f1a4be.wav`,
      seconds: 3,
      recordedFor: [],
    },
  },
  // Through Kamailio: care4w-1000411 → +15551234567, answered, recorded, tone, hung up by FS.
  "kamailio-pstn-call": {
    rootUuid: "e495c2ef-777a-4af6-a155-9edde87c2aa1",
    legUuids: ["e495c2ef-777a-4af6-a155-9edde87c2aa1"],
    caller: { party: "care4w-1000411" },
    callee: { party: { phone: "+15551234567" } },
    status: "completed",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796116766482718,
    answeredUs: 1796116766482718,
    endedUs: 1796116769482739,
    billsec: 3,
    quality: { mos: 4.5, jitterMs: 15.5, lossPercent: 0 }, // √239.10
    recording: {
      kind: "recording",
      legUuid: "e495c2ef-777a-4af6-a155-9edde87c2aa1",
      path: `${REC}/cf-pstn-e495c2ef-777a-4af6-a155-9edde87c2aa1.wav`,
      seconds: 3,
      recordedFor: [],
    },
  },
  // esl-commands.txt: `bgapi originate loopback/7101/public &echo()`, subscribed to
  // CHANNEL_ANSWER and CHANNEL_HANGUP_COMPLETE only (so no RECORD_STOP: no path).
  "commands": {
    rootUuid: "1f65cd0d-e651-4abe-9259-e0b358ac6762", // loopback A side; nothing created it
    legUuids: ["1f65cd0d-e651-4abe-9259-e0b358ac6762", "d63db2b9-c113-488e-8bb9-763b6d9075f5"],
    caller: { raw: "public" }, // the A side's caller ID at hangup (15550009999 at answer)
    callee: { raw: "7101" },
    status: "completed",
    hangupCause: "NORMAL_CLEARING",
    startedUs: 1796113846260723,
    answeredUs: 1796113846260723,
    endedUs: 1796113849280712,
    billsec: 3,
    quality: null,
    recording: {
      kind: "recording",
      legUuid: "d63db2b9-c113-488e-8bb9-763b6d9075f5",
      path: null,
      seconds: 3,
      recordedFor: [],
    },
  },
};

/** The capture files of each call (plain and json where both exist). */
export const CAPTURE_FILES: Record<string, string[]> = {
  "call-record": ["esl-plain-call-record.txt", "esl-json-call-record.txt"],
  "bridge-two-legs": ["esl-plain-bridge-two-legs.txt", "esl-json-bridge-two-legs.txt"],
  "bridge-fail-incompatible-codec": [
    "esl-plain-bridge-fail-incompatible-codec.txt",
    "esl-json-bridge-fail-incompatible-codec.txt",
  ],
  "voicemail-deposit": ["esl-plain-voicemail-deposit.txt", "esl-json-voicemail-deposit.txt"],
  "loopback-bridge": ["esl-plain-loopback-bridge.txt", "esl-json-loopback-bridge.txt"],
  "kamailio-pstn-call": ["esl-plain-kamailio-pstn-call.txt"],
  "commands": ["esl-commands.txt"],
};
