/**
 * The access trail through the API: each play and delete lands in it, and the auditor's check
 * names the first entry that was changed in the database file behind the app's back.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { multipart, wavBytes } from "../../recordings/testing/audio.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { createTestApp } from "../../testing/app.ts";

Deno.test("the trail shows each play and delete, and an edited entry is found by the check", async () => {
  const dir = await Deno.makeTempDir({ prefix: "careflow-trail-" });
  const t = createTestApp(
    {},
    { store: openSqliteStore(`${dir}/careflow.sqlite`) },
  );
  try {
    const boss = await t.signup("boss@example.org", "The Auditor");
    await t.promote("boss@example.org");
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const { recording } = await (await t.app.request(
      "/api/recordings/upload",
      multipart({ type: "call", duration: "1" }, wavBytes(1), { cookie: ann }),
    )).json();
    const path = `/api/recordings/${recording.id}`;
    for (const download of ["", "?download=1"]) {
      const media = await t.app.request(`${path}/media${download}`, { headers: { cookie: ann } });
      await media.body?.cancel();
      assert.equal(
        media.headers.get("content-disposition"),
        download ? `attachment; filename="recording-${recording.id}.wav"` : null,
      );
    }
    await t.app.request(path, { method: "DELETE", headers: { cookie: ann } });

    // The admin sees the trail, not the audio (no policy lets admins play here).
    const audit = await (await t.app.request(`${path}/access`, { headers: { cookie: boss } }))
      .json();
    assert.deepEqual(audit.trail.map((e: { action: string }) => e.action), [
      "play",
      "download",
      "delete",
    ]);
    const played = await t.app.request(`${path}/media`, { headers: { cookie: boss } });
    assert.equal(played.status, 404);
    const verify = async () =>
      await (await t.app.request("/api/admin/access-trail/verify", { headers: { cookie: boss } }))
        .json();
    assert.deepEqual(await verify(), { ok: true, checked: 3 });
    assert.equal(
      (await t.app.request("/api/admin/access-trail/verify", { headers: { cookie: ann } })).status,
      403,
    );

    // Someone with the file drops the guards and hides that the download happened.
    const db = new DatabaseSync(`${dir}/careflow.sqlite`);
    db.exec("DROP TRIGGER access_trail_no_update");
    db.exec("UPDATE access_trail SET action = 'play' WHERE seq = 2");
    db.close();
    const broken = await verify();
    assert.equal(broken.ok, false);
    assert.equal(broken.brokenAt, 2);
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});
