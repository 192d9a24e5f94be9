import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import type { CallRecord } from "../../calls/rules.ts";
import type { User } from "../../store/mod.ts";

async function people(t: TestApp) {
  const cookies = {
    ann: await t.signup("ann@example.org", "Ann Carer"),
    bob: await t.signup("bob@example.org", "Bob Nurse"),
    cat: await t.signup("cat@example.org", "Cat Manager"),
  };
  const users: Record<string, User> = {};
  for (const name of ["ann", "bob", "cat"]) {
    users[name] = (await t.services.store.findUserByEmail(`${name}@example.org`))!;
  }
  return { cookies, users };
}

function record(
  id: string,
  caller: User,
  callee: User,
  minute: number,
  extra: Partial<CallRecord> = {},
): CallRecord {
  const startedAt = new Date(Date.UTC(2026, 10, 20, 9, minute));
  return {
    id,
    mode: "webrtc",
    status: "completed",
    callerUserId: caller.id,
    callerCare4wId: caller.care4wId,
    callerName: caller.displayName,
    calleeUserId: callee.id,
    calleeCare4wId: callee.care4wId,
    calleeName: callee.displayName,
    startedAt,
    answeredAt: new Date(startedAt.getTime() + 3000),
    endedAt: new Date(startedAt.getTime() + 63000),
    durationSeconds: 60,
    recordedBy: null,
    callerPhone: null,
    calleePhone: null,
    hangupCause: null,
    quality: null,
    transferredBy: null,
    transferredTo: null,
    ...extra,
  };
}

Deno.test("history lists the user's calls newest first, as each party sees them", async () => {
  const t = createTestApp();
  const { cookies, users } = await people(t);
  await t.services.store.insertCall(record("c1", users.ann, users.bob, 1));
  await t.services.store.insertCall(
    record("c2", users.bob, users.ann, 2, {
      status: "missed",
      answeredAt: null,
      durationSeconds: 0,
    }),
  );
  await t.services.store.insertCall(record("c3", users.bob, users.cat, 3));

  const ann =
    await (await t.app.request("/api/calls/history", { headers: { cookie: cookies.ann } })).json();
  assert.deepEqual(ann.calls.map((c: { id: string }) => c.id), ["c2", "c1"]);
  assert.deepEqual(ann.pagination, { page: 1, limit: 20, total: 2, totalPages: 1 });
  assert.equal(ann.calls[0].direction, "inbound");
  assert.equal(ann.calls[0].status, "missed");
  assert.deepEqual(ann.calls[0].otherParty, {
    displayName: "Bob Nurse",
    care4wId: users.bob.care4wId,
    phone: null,
  });
  assert.equal(ann.calls[1].direction, "outbound");
  assert.equal(ann.calls[1].duration, 60);

  const cat =
    await (await t.app.request("/api/calls/history", { headers: { cookie: cookies.cat } })).json();
  assert.deepEqual(
    cat.calls.map((c: { id: string }) => c.id),
    ["c3"],
    "only calls Cat took part in",
  );
  await t.close();
});

Deno.test("history pages and filters by direction, status, dates and the other party", async () => {
  const t = createTestApp();
  const { cookies, users } = await people(t);
  for (let i = 0; i < 25; i++) {
    const outbound = i % 2 === 0;
    await t.services.store.insertCall(
      record(`p${i}`, outbound ? users.ann : users.bob, outbound ? users.bob : users.ann, i, {
        status: i % 5 === 0 ? "declined" : "completed",
      }),
    );
  }
  await t.services.store.insertCall(record("cat-call", users.cat, users.ann, 40));
  const get = async (query: string) =>
    await (await t.app.request(`/api/calls/history?${query}`, { headers: { cookie: cookies.ann } }))
      .json();

  const page2 = await get("page=2&limit=10");
  assert.deepEqual(page2.pagination, { page: 2, limit: 10, total: 26, totalPages: 3 });
  assert.equal(page2.calls.length, 10);
  assert.equal((await get("page=3&limit=10")).calls.length, 6);
  assert.equal((await get("direction=outbound")).pagination.total, 13);
  assert.equal((await get("direction=inbound")).pagination.total, 13);
  assert.equal((await get("status=declined")).pagination.total, 5);
  assert.deepEqual((await get("q=cat")).calls.map((c: { id: string }) => c.id), ["cat-call"]);
  assert.equal((await get(`q=${users.cat.care4wId}`)).pagination.total, 1);
  assert.equal((await get("q=ann")).pagination.total, 0, "q matches the other party only");
  const window = await get("from=2026-11-20T09:10:00Z&to=2026-11-20T09:20:00Z");
  assert.equal(window.pagination.total, 10);
  assert.equal((await get("from=2026-11-20&to=2026-11-20")).pagination.total, 26, "a whole day");
  assert.equal((await get("to=2026-11-19")).pagination.total, 0);
  await t.close();
});

Deno.test("history refuses bad queries with the offending fields", async () => {
  const t = createTestApp();
  const { cookies } = await people(t);
  for (
    const [query, field] of [
      ["limit=101", "limit"],
      ["page=0", "page"],
      ["direction=sideways", "direction"],
      ["status=lost", "status"],
      ["from=yesterday", "from"],
      ["from=2026-11-21&to=2026-11-20", "from"],
      ["sort=asc", "(root)"],
    ]
  ) {
    const response = await t.app.request(`/api/calls/history?${query}`, {
      headers: { cookie: cookies.ann },
    });
    assert.equal(response.status, 400, query);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.equal((await response.json()).errors[0].field, field, query);
  }
  assert.equal((await t.app.request("/api/calls/history")).status, 401);
  await t.close();
});

Deno.test("a call is visible to its two parties and a 404 for everyone else", async () => {
  const t = createTestApp();
  const { cookies, users } = await people(t);
  await t.services.store.insertCall(record("private-1", users.ann, users.bob, 1));
  const ann = await t.app.request("/api/calls/private-1", { headers: { cookie: cookies.ann } });
  assert.equal(ann.status, 200);
  assert.equal((await ann.json()).call.direction, "outbound");
  const bob = await t.app.request("/api/calls/private-1", { headers: { cookie: cookies.bob } });
  assert.equal((await bob.json()).call.direction, "inbound");
  const cat = await t.app.request("/api/calls/private-1", { headers: { cookie: cookies.cat } });
  assert.equal(cat.status, 404);
  const unknown = await t.app.request("/api/calls/nope", { headers: { cookie: cookies.ann } });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await cat.json(), await unknown.json(), "no hint that the call exists");
  assert.equal((await t.app.request("/api/calls/private-1")).status, 401);
  await t.close();
});

Deno.test("a party of a browser call reports its quality; others and bad bodies change nothing", async () => {
  const t = createTestApp();
  const { cookies, users } = await people(t);
  await t.services.store.insertCall(record("q-1", users.ann, users.bob, 1));
  const report = (cookie: string, body: unknown) =>
    t.app.request("/api/calls/q-1/quality", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { cookie, "content-type": "application/json" },
    });
  const quality = { mos: 3.9, jitterMs: 18, lossPercent: 1.5 };
  assert.equal((await report(cookies.bob, quality)).status, 204);
  assert.equal((await report(cookies.cat, { ...quality, mos: 1 })).status, 404);
  const bad = await report(cookies.ann, { mos: 9, jitterMs: -1, lossPercent: 0, extra: 1 });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("content-type"), "application/problem+json");
  const call = (await (await t.app.request("/api/calls/q-1", { headers: { cookie: cookies.ann } }))
    .json()).call;
  assert.deepEqual(call.quality, quality);
  await t.close();
});
