/**
 * The recordings service alone in a process, for kill tests: built as in the tests
 * (`buildService`) from the environment, it starts, is handed one ESL event, and runs until it is
 * killed. `CHILD_SPOOL`, `CHILD_EVENTS_URL`, `CHILD_WEB_URL`, `CHILD_EVENT` (JSON `EslEvent`).
 */
import type { EslEvent } from "../../esl/event.ts";
import { buildService } from "./service.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const t = buildService({
  spoolDir: env("CHILD_SPOOL"),
  eventsUrl: env("CHILD_EVENTS_URL"),
  webUrl: env("CHILD_WEB_URL"),
});
await t.service.start();
t.esl.emit(JSON.parse(env("CHILD_EVENT")) as EslEvent);
console.log("recordings child started");
// Runs until killed; a parent gone (test runner killed) ends it too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000);
