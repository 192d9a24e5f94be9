/** Recordings for the recording store contracts: Alice's history and one of Bob's. */
import assert from "node:assert/strict";
import type { RecordParty } from "../../../shared/calls.ts";
import type { Recording } from "../../recordings/recording.ts";
import type { RecordingQuery, RecordingStore } from "../recordings.ts";

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
export const T0 = new Date("2026-03-01T09:00:00Z").getTime();

export const ALICE_ID = "u-alice";
export const BOB_ID = "u-bob";
export const ALICE: RecordParty = {
  care4wId: "care4w-1000001",
  phone: null,
  displayName: "Alice Example",
};
/** Names and notes carry SQL LIKE and regex metacharacters, which search must treat literally. */
export const BOB: RecordParty = {
  care4wId: "care4w-1000002",
  phone: null,
  displayName: "Bob 100% Real_Name",
};
export const CAROL: RecordParty = {
  care4wId: "care4w-1000003",
  phone: null,
  displayName: "Carol Jönes",
};
export const DAVE: RecordParty = {
  care4wId: "care4w-1000004",
  phone: null,
  displayName: "Dave Smith",
};

/** An active, unlistened call recording of Alice's to Bob, `minutes` after T0. */
export function recording(id: string, minutes: number, extra: Partial<Recording> = {}): Recording {
  const recordedAt = new Date(T0 + minutes * MINUTE);
  return {
    id,
    ownerUserId: ALICE_ID,
    type: "call",
    callMode: "webrtc",
    callId: `call-${id}`,
    from: ALICE,
    to: BOB,
    direction: "outbound",
    storageKey: `recordings/${id}.webm`,
    format: "webm",
    durationSeconds: 60,
    fileSize: 1000,
    recordedAt,
    status: "active",
    isListened: false,
    transcription: "",
    notes: "",
    tags: [],
    recordedBy: ALICE.care4wId,
    createdAt: recordedAt,
    updatedAt: recordedAt,
    deletedAt: null,
    archivedAt: null,
    purgedAt: null,
    ...extra,
  };
}

/** Alice's recording of a call she received from `from`. */
export const inbound = (
  id: string,
  minutes: number,
  from: RecordParty,
  extra: Partial<Recording> = {},
) => recording(id, minutes, { from, to: ALICE, direction: "inbound", ...extra });

/** A voicemail `from` left for Alice. */
export const voicemail = (
  id: string,
  minutes: number,
  from: RecordParty,
  extra: Partial<Recording> = {},
) => inbound(id, minutes, from, { type: "voicemail", recordedBy: null, callId: null, ...extra });

/**
 * Alice's recordings, r5 newest, plus one of Bob's (b1, newest of all):
 * r1 outbound to Bob (listened; notes, tag), r2 inbound from Carol (archived; non-ASCII tag),
 * r3 voicemail from Dave (notes), r4 outbound to Carol (deleted), r5 voicemail from Bob
 * (listened; tag with "*").
 */
export const SEED: readonly Recording[] = [
  recording("r1", 1, { isListened: true, notes: "Discussed the care plan.", tags: ["Urgent"] }),
  inbound("r2", 2, CAROL, {
    status: "archived",
    archivedAt: new Date(T0 + 50 * MINUTE),
    tags: ["Ärzte", "follow-up"],
    format: "ogg",
    callMode: "sip",
  }),
  voicemail("r3", 3, DAVE, { notes: "Call back about the prescription." }),
  recording("r4", 4, { to: CAROL, status: "deleted", deletedAt: new Date(T0 + 60 * MINUTE) }),
  voicemail("r5", 5, BOB, { isListened: true, tags: ["*starred"] }),
  recording("b1", 6, { ownerUserId: BOB_ID, from: BOB, to: ALICE, recordedBy: BOB.care4wId }),
];

/** Inserts every recording, each for the first time. */
export async function insertAll(store: RecordingStore, recordings: readonly Recording[]) {
  for (const r of recordings) assert.equal(await store.insertRecording(r), true, r.id);
}

/** Ids of Alice's recordings matching `query` (first page of 50 unless given). */
export async function aliceIds(
  store: RecordingStore,
  query: Partial<RecordingQuery> = {},
): Promise<string[]> {
  const page = await store.listRecordingsForOwner(ALICE_ID, { page: 1, limit: 50, ...query });
  return page.recordings.map((r) => r.id);
}

export const ids = (recordings: readonly Recording[]) => recordings.map((r) => r.id);
