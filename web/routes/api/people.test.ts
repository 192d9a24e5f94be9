/**
 * Presence and colleagues through the real app: the lookup's presence word from tabs, activity,
 * calls, SIP phones and do-not-disturb (hidden with `showOnlineStatus` off); the directory's
 * search, paging, validation and limits; favourites; recent contacts; the presence batch.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import { openCallTab, patchSettings } from "../../testing/call-tab.ts";

const get = async (t: TestApp, cookie: string, path: string) => {
  const response = await t.app.request(path, { headers: { cookie } });
  return { status: response.status, body: await response.json() };
};

const ANN = "care4w-1000001";

Deno.test("the lookup's presence: offline, available, away, on-call, dnd; hidden when private", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const presence = async () =>
      (await get(t, bob, `/api/users/lookup?care4wId=${ANN}`)).body.presence;
    assert.equal(await presence(), "offline");
    const annTab = await openCallTab(t, "ann@example.org");
    assert.equal(await presence(), "available");
    assert.deepEqual((await get(t, bob, `/api/users/lookup?care4wId=${ANN}`)).body, {
      exists: true,
      displayName: "Ann Carer",
      online: true,
      presence: "available",
    });
    await annTab.send({ type: "activity", active: false });
    assert.equal(await presence(), "away");
    await annTab.send({ type: "activity", active: true });

    const bobTab = await openCallTab(t, "bob@example.org");
    const callId = crypto.randomUUID();
    await bobTab.send({ type: "invite", callId, to: ANN });
    await annTab.send({ type: "accept", callId });
    assert.equal(await presence(), "on-call");
    await bobTab.send({ type: "hangup", callId });
    assert.equal(await presence(), "available");

    assert.equal((await patchSettings(t, ann, { presence: { doNotDisturb: true } })).status, 200);
    assert.equal(await presence(), "dnd");
    await annTab.close();
    assert.equal(await presence(), "offline", "do-not-disturb does not hide being offline");

    // A registered SIP phone alone: reachable.
    await t.services.store.notePhonePresence({
      userId: annTab.user.id,
      online: true,
      changedAt: new Date(),
    });
    await patchSettings(t, ann, { presence: { doNotDisturb: false } });
    assert.equal(await presence(), "available");

    await patchSettings(t, ann, { privacy: { showOnlineStatus: false } });
    assert.deepEqual((await get(t, bob, `/api/users/lookup?care4wId=${ANN}`)).body, {
      exists: true,
      displayName: "Ann Carer",
    });
    await bobTab.close();
  } finally {
    await t.close();
  }
});

Deno.test("do-not-disturb: a call is answered busy and shows in the callee's history", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await t.signup("bob@example.org", "Bob Nurse");
    const annTab = await openCallTab(t, "ann@example.org");
    const bobTab = await openCallTab(t, "bob@example.org");
    await patchSettings(t, ann, { presence: { doNotDisturb: true } });
    const callId = crypto.randomUUID();
    await bobTab.send({ type: "invite", callId, to: ANN });
    assert.ok(!annTab.frames.some((f) => f.type === "invite"), "Ann's tab never rings");
    assert.ok(
      bobTab.frames.some((f) => f.type === "ended" && f.callId === callId && f.reason === "busy"),
      JSON.stringify(bobTab.frames),
    );
    const history = (await get(t, ann, "/api/calls/history?status=missed")).body;
    assert.deepEqual(history.calls.map((c: { id: string }) => c.id), [callId]);
    await annTab.close();
    await bobTab.close();
  } finally {
    await t.close();
  }
});

Deno.test("the directory: active colleagues by name or ID, paged, no emails, validated", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    await t.signup("bob@example.org", "Bob Nurse");
    await t.signup("gone@example.org", "Gone Carer");
    await t.services.store.updateUser(
      (await t.services.store.findUserByEmail("gone@example.org"))!.id,
      { isActive: false },
    );
    const all = await get(t, ann, "/api/users/directory");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body, {
      people: [
        { care4wId: ANN, displayName: "Ann Carer", presence: "offline", favourite: false },
        {
          care4wId: "care4w-1000002",
          displayName: "Bob Nurse",
          presence: "offline",
          favourite: false,
        },
      ],
      page: 1,
      next: null,
    });
    assert.doesNotMatch(JSON.stringify(all.body), /example\.org/);
    const named = await get(t, ann, "/api/users/directory?q=nurse");
    assert.deepEqual(named.body.people.map((p: { displayName: string }) => p.displayName), [
      "Bob Nurse",
    ]);
    const byId = await get(t, ann, "/api/users/directory?q=1000002");
    assert.equal(byId.body.people.length, 1);
    assert.deepEqual((await get(t, ann, "/api/users/directory?q=example.org")).body.people, []);

    for (const bad of ["?page=0", "?page=x", `?q=${"a".repeat(101)}`, "?other=1"]) {
      assert.equal((await get(t, ann, `/api/users/directory${bad}`)).status, 400, bad);
    }
    assert.equal((await t.app.request("/api/users/directory")).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("the directory pages twenty at a time and is rate-limited like the lookup", async () => {
  const t = createTestApp({ LOOKUPS_PER_MINUTE: "3" });
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    for (let i = 0; i < 21; i++) {
      await t.services.store.createUser({
        email: `p${i}@example.org`,
        displayName: `Person ${String(i).padStart(2, "0")}`,
        passwordHash: null,
        firebaseUid: null,
      });
    }
    const first = await get(t, ann, "/api/users/directory?q=person");
    assert.equal(first.body.people.length, 20);
    assert.equal(first.body.next, 2);
    const second = await get(t, ann, "/api/users/directory?q=person&page=2");
    assert.deepEqual(second.body.people.map((p: { displayName: string }) => p.displayName), [
      "Person 20",
    ]);
    assert.equal(second.body.next, null);
    await get(t, ann, "/api/users/directory");
    assert.equal((await get(t, ann, "/api/users/directory")).status, 429);
  } finally {
    await t.close();
  }
});

Deno.test("favourites: starred, listed with presence, unstarred; kept per user", async () => {
  const t = createTestApp();
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    const star = (cookie: string, id: string, method = "PUT") =>
      t.app.request(`/api/users/favourites/${id}`, { method, headers: { cookie } });
    assert.equal((await star(bob, ANN)).status, 200);
    assert.equal((await star(bob, ANN)).status, 200, "starring twice is fine");
    assert.deepEqual((await get(t, bob, "/api/users/favourites")).body, {
      people: [{ care4wId: ANN, displayName: "Ann Carer", presence: "offline", favourite: true }],
    });
    assert.deepEqual((await get(t, ann, "/api/users/favourites")).body, { people: [] });
    const listed = (await get(t, bob, "/api/users/directory?q=ann")).body.people;
    assert.equal(listed[0].favourite, true);

    assert.equal((await star(bob, "care4w-1000002")).status, 400, "not yourself");
    assert.equal((await star(bob, "care4w-1999999")).status, 404);
    assert.equal((await star(bob, "bob")).status, 400);
    assert.equal((await star(bob, ANN, "DELETE")).status, 200);
    assert.deepEqual((await get(t, bob, "/api/users/favourites")).body, { people: [] });
    assert.equal(
      (await t.app.request(`/api/users/favourites/${ANN}`, { method: "PUT" })).status,
      401,
    );
  } finally {
    await t.close();
  }
});

Deno.test("recent contacts come from the user's calls; presence comes in batches", async () => {
  const t = createTestApp();
  try {
    await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    await t.signup("cat@example.org", "Cat Doctor");
    const bobTab = await openCallTab(t, "bob@example.org");
    const annTab = await openCallTab(t, "ann@example.org");
    for (const to of [ANN, "care4w-1000003", ANN]) {
      // Calls a few milliseconds apart: "recent" is by when, and one millisecond is a tie.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await bobTab.send({ type: "invite", callId: crypto.randomUUID(), to });
      const ringing = annTab.frames.find((f) => f.type === "invite");
      if (ringing) {
        await bobTab.send({ type: "cancel", callId: ringing.callId });
        annTab.frames.length = 0;
      }
    }
    const recent = (await get(t, bob, "/api/users/recent")).body.people;
    assert.deepEqual(
      recent.map((p: { care4wId: string; presence: string }) => [p.care4wId, p.presence]),
      [
        [ANN, "available"],
        ["care4w-1000003", "offline"],
      ],
    );
    const batch = await get(t, bob, `/api/users/presence?ids=${ANN},care4w-1000003,care4w-1999999`);
    assert.deepEqual(batch.body, { presence: { [ANN]: "available", "care4w-1000003": "offline" } });
    assert.equal((await get(t, bob, "/api/users/presence?ids=nope")).status, 400);
    await annTab.close();
    await bobTab.close();
  } finally {
    await t.close();
  }
});
