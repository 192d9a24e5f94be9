/**
 * The recordings API in memory, over the real SQLite store and the real encrypted local folder:
 * uploads are recognised by content and stream within limits, playback seeks with ranges, and
 * another user finds nothing on any route.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import { multipart, wavBytes } from "../../recordings/testing/audio.ts";

async function upload(t: TestApp, cookie: string, bytes: Uint8Array<ArrayBuffer>, fields = {}) {
  return await t.app.request(
    "/api/recordings/upload",
    multipart({ type: "call", duration: "5", ...fields }, bytes, { cookie }),
  );
}

async function twoUsers(env: Record<string, string> = {}) {
  const t = createTestApp(env);
  const ann = await t.signup("ann@example.org", "Ann Carer");
  const eve = await t.signup("eve@example.org", "Eve Other");
  return { t, ann, eve };
}

Deno.test("an uploaded WAV is kept, listed, played whole and by range, by its owner only", async () => {
  const { t, ann, eve } = await twoUsers();
  try {
    const wav = wavBytes(3);
    const created = await upload(t, ann, wav);
    assert.equal(created.status, 201, await created.clone().text());
    const { recording } = await created.json();
    assert.equal(recording.format, "wav");
    assert.equal(recording.duration, 3, "a WAV's own header says how long it is");
    assert.equal(recording.fileSize, wav.length);
    assert.equal(recording.status, "active");

    const list = await (await t.app.request("/api/recordings", { headers: { cookie: ann } }))
      .json();
    assert.deepEqual(list.recordings.map((r: { id: string }) => r.id), [recording.id]);
    assert.equal(list.pagination.total, 1);

    const whole = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann },
    });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.equal(whole.headers.get("content-type"), "audio/wav");
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), wav);

    const part = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann, range: "bytes=100-199" },
    });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 100-199/${wav.length}`);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), wav.subarray(100, 200));
    const tail = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann, range: "bytes=-10" },
    });
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), wav.subarray(wav.length - 10));
    const outside = await t.app.request(`/api/recordings/${recording.id}/media`, {
      headers: { cookie: ann, range: `bytes=${wav.length}-` },
    });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get("content-range"), `bytes */${wav.length}`);

    for (
      const [method, path, body] of [
        ["GET", "", undefined],
        ["GET", "/media", undefined],
        ["GET", "/access", undefined],
        ["PATCH", "", JSON.stringify({ notes: "mine now" })],
        ["DELETE", "", undefined],
      ] as const
    ) {
      const response = await t.app.request(`/api/recordings/${recording.id}${path}`, {
        method,
        body,
        headers: { cookie: eve, "content-type": "application/json" },
      });
      assert.equal(response.status, 404, `${method} ${path} by another user`);
      await response.body?.cancel();
    }
    const theirs = await (await t.app.request("/api/recordings", { headers: { cookie: eve } }))
      .json();
    assert.equal(theirs.pagination.total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("an upload that is not audio, or over the quota, is refused and leaves nothing", async () => {
  const { t, ann } = await twoUsers({ RECORDING_QUOTA_MB: "1" });
  try {
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>".repeat(10));
    const refused = await upload(t, ann, html);
    assert.equal(refused.status, 415);
    assert.equal(refused.headers.get("content-type"), "application/problem+json");

    const big = await upload(t, ann, wavBytes(70)); // about 1.1 MB
    assert.equal(big.status, 413);
    assert.match((await big.json()).detail, /all of your 1 MB/);
    const list = await (await t.app.request("/api/recordings?status=error", {
      headers: { cookie: ann },
    })).json();
    assert.equal(list.recordings[0].fileSize, 0, "nothing of it is kept");
    const owner = await t.services.store.findUserByEmail("ann@example.org");
    assert.equal(await t.services.store.storedBytesForOwner(owner!.id), 0);

    const noFile = await t.app.request("/api/recordings/upload", {
      method: "POST",
      body: (() => {
        const form = new FormData();
        form.append("type", "call");
        return form;
      })(),
      headers: { cookie: ann },
    });
    assert.equal(noFile.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("notes, tags, archive, delete: each is the owner's, and the trail keeps who did what", async () => {
  const { t, ann } = await twoUsers();
  try {
    const { recording } = await (await upload(t, ann, wavBytes(1))).json();
    const path = `/api/recordings/${recording.id}`;
    const patch = (body: unknown) =>
      t.app.request(path, {
        method: "PATCH",
        body: JSON.stringify(body),
        headers: { cookie: ann, "content-type": "application/json" },
      });
    const tagged = await (await patch({ notes: "Mrs Jones, Tuesday", tags: ["family", "family"] }))
      .json();
    assert.equal(tagged.recording.notes, "Mrs Jones, Tuesday");
    assert.deepEqual(tagged.recording.tags, ["family"]);
    assert.equal((await patch({})).status, 400);
    assert.equal((await patch({ owner: "me" })).status, 400);

    await (await t.app.request(`${path}/media`, { headers: { cookie: ann } })).body?.cancel();
    assert.equal((await (await patch({ archived: true })).json()).recording.status, "archived");
    assert.equal((await patch({ archived: true })).status, 409);
    assert.equal((await (await patch({ archived: false })).json()).recording.status, "active");
    const deleted = await t.app.request(path, { method: "DELETE", headers: { cookie: ann } });
    assert.equal(deleted.status, 202);
    assert.equal((await t.app.request(path, { headers: { cookie: ann } })).status, 404);

    // The owner still reads the trail of what they deleted.
    const { trail } = await (await t.app.request(`${path}/access`, { headers: { cookie: ann } }))
      .json();
    assert.deepEqual(
      trail.map((e: { action: string; actor: string }) => [e.action, e.actor]),
      [
        ["play", "care4w-1000001"],
        ["archive", "care4w-1000001"],
        ["unarchive", "care4w-1000001"],
        ["delete", "care4w-1000001"],
      ],
    );
  } finally {
    await t.close();
  }
});
