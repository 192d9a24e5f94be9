import assert from "node:assert/strict";
import { call } from "../testing/calls.ts";
import { recording } from "../testing/recording-fixtures.ts";
import { openDb } from "./db.ts";
import { sqliteCalls } from "./calls.ts";
import { sqliteIngest } from "./ingest.ts";
import { sqlitePhonePresence } from "./phone-presence.ts";
import { sqliteRecordings } from "./recordings.ts";

const AT = new Date("2026-03-01T09:00:00Z");
const ANN: [string, string, string] = ["u-ann", "care4w-1000001", "Ann"];
const BOB: [string, string, string] = ["u-bob", "care4w-1000002", "Bob"];

Deno.test("sqlite ingest: an event whose write fails is undone alone; the batch goes on", () => {
  const db = openDb(":memory:");
  const calls = sqliteCalls(db);
  const ingest = sqliteIngest(db, {
    calls: {
      insertCall(record) {
        if (record.id === "c-bad") throw new Error("disk says no");
        return calls.insertCall(record);
      },
    },
    recordings: sqliteRecordings(db),
    presence: sqlitePhonePresence(db),
  });
  const results = ingest.applyEvents([
    { id: "ev-1", type: "cdr", at: AT, call: call("c-1", ANN, BOB, 1) },
    { id: "ev-bad", type: "cdr", at: AT, call: call("c-bad", ANN, BOB, 2) },
    { id: "ev-3", type: "recording", at: AT, recording: recording("r-3", 3) },
  ]);
  assert.equal(results[0], "applied");
  assert.equal((results[1] as { failed: Error }).failed.message, "disk says no");
  assert.equal(results[2], "applied");
  // The failed event is not noted as applied, so its redelivery applies it.
  assert.equal(ingest.isEventApplied("ev-bad"), false);
  assert.equal(ingest.isEventApplied("ev-1"), true);
  assert.notEqual(calls.getCallForUser("c-1", "u-ann"), null);
  assert.equal(db.raw.isTransaction, false, "no transaction is left open");
  db.raw.close();
});
