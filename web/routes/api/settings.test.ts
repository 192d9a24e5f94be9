/**
 * `/api/me/settings` and a user's personal phone: typed as people type numbers, stored in E.164,
 * unique across users (the availability check says free or taken, never whose), never the
 * organisation's own number; refused changes change nothing.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/app.ts";
import { TWILIO_ENV } from "../../testing/twilio.ts";

const patch = (t: TestApp, cookie: string, body: unknown) =>
  t.app.request("/api/me/settings", {
    method: "PATCH",
    body: JSON.stringify(body),
    headers: { cookie, "content-type": "application/json" },
  });
const settings = async (t: TestApp, cookie: string) =>
  (await (await t.app.request("/api/me/settings", { headers: { cookie } })).json()).settings;
const availability = async (t: TestApp, cookie: string, number: string) => {
  const response = await t.app.request(
    `/api/me/settings/personal-phone?number=${encodeURIComponent(number)}`,
    { headers: { cookie } },
  );
  return { status: response.status, body: await response.json() };
};

Deno.test("a personal phone is registered in E.164, unique, and removed with null", async () => {
  const t = createTestApp(TWILIO_ENV);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    const bob = await t.signup("bob@example.org", "Bob Nurse");
    assert.equal((await settings(t, ann)).personalPhone, null);
    assert.deepEqual((await availability(t, ann, "+44 7700 900123")).body, {
      number: "+447700900123",
      available: true,
    });

    const saved = await patch(t, ann, { personalPhone: "0044 7700 900123" });
    assert.equal(saved.status, 200);
    assert.equal((await saved.json()).settings.personalPhone, "+447700900123");
    // Still Ann's to keep; taken for Bob, without saying by whom.
    assert.equal((await availability(t, ann, "+447700900123")).body.available, true);
    const taken = await availability(t, bob, "+447700900123");
    assert.deepEqual(taken.body, { number: "+447700900123", available: false });

    const refused = await patch(t, bob, { personalPhone: "+44 7700 900123", recordCalls: true });
    assert.equal(refused.status, 409);
    assert.equal(refused.headers.get("content-type"), "application/problem+json");
    assert.doesNotMatch(await refused.text(), /Ann/);
    assert.equal((await settings(t, bob)).personalPhone, null);
    assert.equal((await settings(t, bob)).recordCalls, false, "a refused change changes nothing");

    assert.equal((await patch(t, ann, { personalPhone: null })).status, 200);
    assert.equal((await settings(t, ann)).personalPhone, null);
    assert.equal((await patch(t, bob, { personalPhone: "+447700900123" })).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("a personal phone must be a number, and not the organisation's", async () => {
  const t = createTestApp(TWILIO_ENV);
  try {
    const ann = await t.signup("ann@example.org", "Ann Carer");
    // National notation is ambiguous; a 7-digit string is a CareFlow number.
    for (const bad of ["07700 900123", "call me", "+44", "1000001"]) {
      const response = await patch(t, ann, { personalPhone: bad });
      assert.equal(response.status, 400, bad);
      assert.equal((await availability(t, ann, bad)).status, 400);
    }
    assert.equal((await patch(t, ann, { personalPhone: 447700900123 })).status, 400);
    const org = await patch(t, ann, { personalPhone: TWILIO_ENV.TWILIO_PHONE_NUMBER });
    assert.equal(org.status, 409);
    assert.equal(
      (await availability(t, ann, TWILIO_ENV.TWILIO_PHONE_NUMBER)).body.available,
      false,
    );
    assert.equal((await settings(t, ann)).personalPhone, null);
    const anonymous = await t.app.request("/api/me/settings/personal-phone?number=%2B447700900123");
    assert.equal(anonymous.status, 401);
  } finally {
    await t.close();
  }
});
