/**
 * The SQLite access trail against what the contract cannot reach: someone editing the database
 * file directly, and appends from several connections at once (other processes share the file).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { TrailEntry } from "../../recordings/recording.ts";
import { nextEntry, type TrailFields, verifyTrail } from "../../recordings/trail.ts";
import { openSqliteStore } from "./mod.ts";

const T0 = new Date("2026-03-01T09:00:00Z").getTime();

const fields = (n: number): TrailFields => ({
  at: new Date(T0 + n * 1000),
  actorUserId: `u-${n}`,
  recordingId: `r-${n % 2}`,
  action: "play",
  ip: "192.0.2.1",
  userAgent: "test",
});

/** A store on a fresh file holding `count` entries; `work` gets the file's path too. */
async function withTrail(
  count: number,
  work: (path: string, store: ReturnType<typeof openSqliteStore>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "careflow-trail-" });
  const path = `${dir}/careflow.sqlite`;
  const store = openSqliteStore(path);
  try {
    for (let n = 1; n <= count; n++) {
      await store.appendTrail((last) => nextEntry(last, fields(n)));
    }
    await work(path, store);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs SQL on the file through a connection of its own, as someone with the file could. */
function tamper(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const DROP_GUARDS = "DROP TRIGGER access_trail_no_update; DROP TRIGGER access_trail_no_delete;";

Deno.test("sqlite access trail: the table refuses UPDATE and DELETE", async () => {
  await withTrail(3, async (path, store) => {
    assert.throws(
      () => tamper(path, "UPDATE access_trail SET ip = NULL WHERE seq = 2"),
      /append-only/,
    );
    assert.throws(() => tamper(path, "DELETE FROM access_trail WHERE seq = 3"), /append-only/);
    assert.deepEqual(verifyTrail(await store.listTrail(1, 100)), { ok: true, checked: 3 });
  });
});

Deno.test("sqlite access trail: a row changed in the file is detected by verifyTrail", async () => {
  await withTrail(5, async (path, store) => {
    assert.deepEqual(verifyTrail(await store.listTrail(1, 100)), { ok: true, checked: 5 });
    tamper(path, `${DROP_GUARDS} UPDATE access_trail SET ip = '203.0.113.9' WHERE seq = 3`);
    const verdict = verifyTrail(await store.listTrail(1, 100));
    assert.deepEqual(verdict, {
      ok: false,
      brokenAt: 3,
      reason: "hash does not match the entry's fields",
    });
  });
});

Deno.test("sqlite access trail: a row deleted from the file is detected at its seq", async () => {
  await withTrail(5, async (path, store) => {
    tamper(path, `${DROP_GUARDS} DELETE FROM access_trail WHERE seq = 2`);
    const verdict = verifyTrail(await store.listTrail(1, 100));
    assert.equal(!verdict.ok && verdict.brokenAt, 2);
  });
});

Deno.test("sqlite access trail: appends from four connections at once never fork", async () => {
  await withTrail(0, async (path, store) => {
    // Each worker opens its own connection to the file, as another process would; BEGIN
    // IMMEDIATE (with the busy timeout) is all that keeps their appends in one chain. They all
    // open first and start on one signal, so their appends really overlap.
    const source = `
      import { openSqliteStore } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
      import { nextEntry } from ${
      JSON.stringify(new URL("../../recordings/trail.ts", import.meta.url).href)
    };
      let store;
      self.onmessage = async ({ data }) => {
        if (data.path) {
          store = openSqliteStore(data.path);
          return self.postMessage("ready");
        }
        const seqs = [];
        for (let i = 0; i < 50; i++) {
          const entry = await store.appendTrail((last) => nextEntry(last, {
            at: new Date(), actorUserId: "u-" + data.worker, recordingId: "r-" + i,
            action: "play", ip: null, userAgent: null,
          }));
          seqs.push(entry.seq);
        }
        await store.close();
        self.postMessage(seqs);
      };`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const workers = Array.from({ length: 4 }, () => new Worker(url, { type: "module" }));
    const reply = <T>(w: Worker, message: unknown) =>
      new Promise<T>((resolve, reject) => {
        w.onmessage = ({ data }) => resolve(data as T);
        w.onerror = (event) => reject(new Error(event.message));
        w.postMessage(message);
      });
    try {
      await Promise.all(workers.map((w) => reply(w, { path })));
      const runs = await Promise.all(workers.map((w, worker) => reply<number[]>(w, { worker })));
      const seqs = runs.flat().sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      for (const w of workers) w.terminate();
      URL.revokeObjectURL(url);
    }
    const all: TrailEntry[] = await store.listTrail(1, 1000);
    assert.deepEqual(verifyTrail(all), { ok: true, checked: 200 });
    const actors = new Set(all.map((e) => e.actorUserId));
    assert.deepEqual(actors, new Set(["u-0", "u-1", "u-2", "u-3"]));
  });
});
