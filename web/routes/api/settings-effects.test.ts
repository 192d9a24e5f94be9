/**
 * The privacy and display settings act on the server, each proven against the real app: direct
 * calls refused as "not available" (and recorded so), presence in the lookup only for those who
 * show it, withheld numbers refused at the Twilio menu, and Analytics' period in the user's zone.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../../testing/app.ts";
import { openCallTab, patchSettings } from "../../testing/call-tab.ts";
import { attr, phoneCall, signedPost, TWILIO_ENV, verbs } from "../../testing/twilio.ts";

Deno.test("allowDirectCalls off: a colleague's browser call is not put through, and says why", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await t.signup("bob@example.org", "Bob Nurse");
    const annTab = await openCallTab(t, "ann@example.org");
    const bobTab = await openCallTab(t, "bob@example.org");

    // On (the default): Bob's tab rings.
    const rung = await bobTab.invite("care4w-1000001");
    assert.ok(annTab.frames.some((f) => f.type === "invite" && f.callId === rung));
    await bobTab.send({ type: "cancel", callId: rung });

    assert.equal(
      (await patchSettings(t, ann, { privacy: { allowDirectCalls: false } })).status,
      200,
    );
    const refused = await bobTab.invite("care4w-1000001");
    assert.ok(
      !annTab.frames.some((f) => f.type === "invite" && f.callId === refused),
      "Ann's tab never rings",
    );
    assert.ok(
      bobTab.frames.some((f) =>
        f.type === "ended" && f.callId === refused && f.reason === "unavailable"
      ),
      JSON.stringify(bobTab.frames),
    );
    const history = await (await t.app.request("/api/calls/history?status=unavailable", {
      headers: { cookie: ann },
    })).json();
    assert.deepEqual(
      history.calls.map((c: { id: string; status: string }) => [c.id, c.status]),
      [[refused, "unavailable"]],
    );
  } finally {
    await t.close();
  }
});

Deno.test("showOnlineStatus: the lookup says online or offline, and nothing when hidden", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const lookup = async () =>
      await (await t.app.request("/api/users/lookup?care4wId=care4w-1000001", {
        headers: { cookie: bob },
      })).json();
    const ann1 = { exists: true, displayName: "Ann Carer" };
    assert.deepEqual(await lookup(), { ...ann1, online: false, presence: "offline" });
    await openCallTab(t, "ann@example.org");
    assert.deepEqual(await lookup(), { ...ann1, online: true, presence: "available" });
    await patchSettings(t, ann, { privacy: { showOnlineStatus: false } });
    assert.deepEqual(await lookup(), { exists: true, displayName: "Ann Carer" });
  } finally {
    await t.close();
  }
});

Deno.test("blockAnonymousCalls: a withheld number is refused at the menu, a shown one rings", async () => {
  const t = createTestApp(TWILIO_ENV);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const gather = "/api/webhooks/twilio/gather?attempt=1";
    const dialIn = async (from: string) =>
      verbs(
        await (await t.app.request(
          gather,
          signedPost(gather, { ...phoneCall(from), Digits: "1000001" }),
        )).text(),
      );
    assert.match((await dialIn("anonymous"))[0], /^Dial /, "off (the default): it rings");

    await patchSettings(t, ann, { privacy: { blockAnonymousCalls: true } });
    for (const withheld of ["anonymous", "Restricted", "unknown", "", "+266696687"]) {
      const said = await dialIn(withheld);
      if (withheld === "+266696687") {
        // Twilio's "anonymous" spelled as digits is still a number: it rings.
        assert.match(said[0], /^Dial /);
        continue;
      }
      assert.match(said[0], /^Say/, `${withheld}: ${said}`);
      assert.equal(said.at(-1), "Hangup/");
    }
    const shown = await dialIn("+447700900999");
    assert.match(shown[0], /^Dial /);
    assert.equal(attr(shown[0], "timeout"), "25");
  } finally {
    await t.close();
  }
});

Deno.test("Analytics' period is in the user's display time zone unless the link names one", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const selected = async (query = "") => {
      const page = await (await t.app.request(`/dashboard/analytics${query}`, {
        headers: { cookie: ann },
      })).text();
      return /<option value="([^"]+)" selected/.exec(page.slice(page.indexOf('name="tz"')))?.[1];
    };
    assert.equal(await selected(), "UTC");
    await patchSettings(t, ann, { display: { timezone: "Asia/Kathmandu" } });
    assert.equal(await selected(), "Asia/Kathmandu");
    assert.equal(await selected("?tz=Europe%2FParis"), "Europe/Paris");
  } finally {
    await t.close();
  }
});
