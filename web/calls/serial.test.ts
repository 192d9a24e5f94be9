import assert from "node:assert/strict";
import { createSerial } from "./serial.ts";

Deno.test("tasks of one key run in order; other keys do not wait; failures do not block", async () => {
  const serial = createSerial();
  const log: string[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const first = serial.run("a", async () => {
    await gate;
    log.push("a1");
  });
  const failing = serial.run("a", () => Promise.reject(new Error("boom")));
  const second = serial.run("a", () => void log.push("a2"));
  await serial.run("b", () => void log.push("b1"));
  assert.deepEqual(log, ["b1"]);
  release();
  await first;
  await assert.rejects(failing, /boom/);
  await second;
  assert.deepEqual(log, ["b1", "a1", "a2"]);
  await serial.idle();
});
