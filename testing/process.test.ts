import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { eventually } from "./eventually.ts";
import { startProcess } from "./process.ts";

const alive = (pid: number) => existsSync(`/proc/${pid}`);

Deno.test("stop() ends a process that ignores SIGTERM, and what it forked", async () => {
  // A daemon's shape: a parent that does not stop on SIGTERM, with a worker of its own.
  const parent = startProcess("stubborn", "bash", [
    "-c",
    'trap "" TERM; sleep 300 & echo "worker $!"; wait',
  ]);
  try {
    let worker = 0;
    await eventually("the worker to start", () => {
      worker = Number(/worker (\d+)/.exec(parent.output())?.[1] ?? 0);
      return worker > 0;
    });
    assert.ok(alive(worker));
    await parent.stop(200);
    assert.equal(parent.exited, true);
    await eventually("the worker to be gone", () => !alive(worker), { timeoutMs: 5000 });
  } finally {
    await parent.stop(0);
  }
});

Deno.test("a program that is not installed fails loudly instead of hanging", async () => {
  const missing = startProcess("missing", "/nonexistent/careflow-no-such-program", []);
  assert.equal(await missing.exit, -1);
  assert.match(missing.output(), /cannot start/);
});
