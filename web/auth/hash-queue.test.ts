import assert from "node:assert/strict";
import { createHashQueue, type HashPriority, HashQueueFull } from "./hash-queue.ts";
import { argon2Hasher } from "./passwords.ts";

/** Work that starts when the queue runs it and ends when the test says so, logging both. */
function gatedWork(log: string[]) {
  const open = new Map<string, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    job(name: string) {
      return () =>
        new Promise<string>((resolve) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          log.push(`start ${name}`);
          open.set(name, () => {
            inFlight--;
            resolve(name);
          });
        });
    },
    finish: (name: string) => open.get(name)!(),
    started: () => [...open.keys()],
    maxInFlight: () => maxInFlight,
  };
}

const settle = (promise: Promise<unknown>) =>
  promise.then((value) => `ok ${value}`, (error) => `refused ${error.name}`);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("at most `concurrency` run at once; waiters start by priority, then in arrival order", async () => {
  const log: string[] = [];
  const work = gatedWork(log);
  const queue = createHashQueue({ concurrency: 2, maxWaiting: 10 });
  const order: [string, HashPriority][] = [
    ["u1", "unknown"],
    ["u2", "unknown"],
    ["u3", "unknown"],
    ["a1", "account"],
    ["u4", "unknown"],
    ["d1", "device"],
    ["a2", "account"],
  ];
  const runs = order.map(([name, priority]) => queue.run(priority, work.job(name)));
  await tick();
  assert.deepEqual(queue.stats(), { running: 2, waiting: 5, refused: 0 });
  for (const name of ["u1", "u2", "d1", "a1", "a2", "u3", "u4"]) {
    await tick();
    assert.ok(work.started().includes(name), `${name} runs (log: ${log.join(", ")})`);
    work.finish(name);
  }
  assert.deepEqual(await Promise.all(runs), order.map(([name]) => name));
  assert.deepEqual(log.slice(2), ["start d1", "start a1", "start a2", "start u3", "start u4"]);
  assert.equal(work.maxInFlight(), 2);
});

Deno.test("a full queue refuses at once; a more urgent newcomer displaces the newest least urgent", async () => {
  const work = gatedWork([]);
  const queue = createHashQueue({ concurrency: 1, maxWaiting: 2 });
  const running = queue.run("unknown", work.job("u1"));
  const waiting = [queue.run("unknown", work.job("u2")), queue.run("unknown", work.job("u3"))];
  const outcomes = waiting.map(settle);
  assert.equal(queue.admits("unknown"), false);
  assert.equal(queue.admits("account"), true, "it would displace an unknown");
  await assert.rejects(queue.run("unknown", work.job("u4")), HashQueueFull);
  const urgent = settle(queue.run("account", work.job("a1")));
  assert.equal(await outcomes[1], "refused HashQueueFull", "the newest unknown made room");
  const device = settle(queue.run("device", work.job("d1")));
  assert.equal(await outcomes[0], "refused HashQueueFull");
  await assert.rejects(queue.run("account", work.job("a2")), HashQueueFull, "nothing below");
  work.finish("u1");
  await running;
  await tick();
  assert.deepEqual(work.started(), ["u1", "d1"]);
  work.finish("d1");
  await tick();
  work.finish("a1");
  assert.deepEqual([await device, await urgent], ["ok d1", "ok a1"]);
  assert.equal(queue.stats().refused, 4);
});

Deno.test("real argon2 verifies through the queue never overlap beyond its bound", async () => {
  const hasher = argon2Hasher({ memoryCost: 1024 });
  const stored = await hasher.hash("correct horse battery");
  const queue = createHashQueue({ concurrency: 3, maxWaiting: 100 });
  let inFlight = 0;
  let maxInFlight = 0;
  const verify = async (password: string) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await hasher.verify(stored, password);
    } finally {
      inFlight--;
    }
  };
  const results = await Promise.all(
    Array.from(
      { length: 40 },
      (_, n) =>
        queue.run("account", () => verify(n === 7 ? "correct horse battery" : `guess ${n}`)),
    ),
  );
  assert.equal(maxInFlight, 3);
  assert.deepEqual(results.map((ok, n) => ok ? n : -1).filter((n) => n >= 0), [7]);
});
