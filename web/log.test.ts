import assert from "node:assert/strict";
import { createLogger } from "./log.ts";

Deno.test("log lines are JSON and secret-looking fields are redacted", () => {
  const lines: string[] = [];
  const logger = createLogger("info", (line) => lines.push(line));
  logger.debug("hidden");
  logger.info("hello", { path: "/x", password: "p", sessionToken: "t", ha1: "h", user: "u" });
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.msg, "hello");
  assert.equal(entry.path, "/x");
  assert.equal(entry.user, "u");
  for (const field of ["password", "sessionToken", "ha1"]) assert.equal(entry[field], "[redacted]");
});
