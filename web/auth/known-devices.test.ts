import assert from "node:assert/strict";
import { createKnownDevices } from "./known-devices.ts";

const SECRET = "a device secret of at least 32 characters";

/** Devices under `secret` (null: none configured) and a clock the test moves. */
function devicesAt(start: string, secret: string | null = SECRET) {
  const clock = { now: new Date(start) };
  const devices = createKnownDevices({ secret: secret ?? undefined, days: 30 }, () => clock.now);
  return { devices, later: (days: number) => (clock.now = new Date(+clock.now + days * 86_400e3)) };
}

Deno.test("a device cookie proves the account it was issued for, and no other", async () => {
  const { devices } = devicesAt("2026-01-01T10:00:00Z");
  const cookie = await devices.issue(undefined, "Ann@Example.org", null);
  const id = await devices.recognise(cookie, "ann@example.org");
  assert.match(id ?? "", /^[0-9a-f]{32}$/);
  assert.equal(await devices.recognise(cookie, "bob@example.org"), null);
  assert.equal(await devices.recognise(undefined, "ann@example.org"), null);
  assert.ok(!cookie.includes("ann"), "the cookie names no email");
});

Deno.test("a tampered, foreign or expired token proves nothing", async () => {
  const { devices, later } = devicesAt("2026-01-01T10:00:00Z");
  const cookie = await devices.issue(undefined, "ann@example.org", null);
  const [id, issued, mac] = cookie.split(".");
  const flipped = mac[0] === "A" ? "B" + mac.slice(1) : "A" + mac.slice(1);
  assert.equal(await devices.recognise(`${id}.${issued}.${flipped}`, "ann@example.org"), null);
  const otherId = id.replace(/^./, id[0] === "0" ? "1" : "0");
  assert.equal(await devices.recognise(`${otherId}.${issued}.${mac}`, "ann@example.org"), null);
  assert.equal(await devices.recognise("garbage~;x", "ann@example.org"), null);
  const other = devicesAt("2026-01-01T10:00:00Z", "another secret, also 32 characters long");
  assert.equal(await other.devices.recognise(cookie, "ann@example.org"), null);
  const random = devicesAt("2026-01-01T10:00:00Z", null);
  assert.equal(await random.devices.recognise(cookie, "ann@example.org"), null);
  later(29);
  assert.ok(await devices.recognise(cookie, "ann@example.org"));
  later(2);
  assert.equal(await devices.recognise(cookie, "ann@example.org"), null, "30 days old");
});

Deno.test("one browser remembers a few accounts; a sign-in renews its own token", async () => {
  const { devices } = devicesAt("2026-01-01T10:00:00Z");
  let cookie: string | undefined;
  for (const name of ["a", "b", "c", "d", "e", "f"]) {
    const email = `${name}@example.org`;
    cookie = await devices.issue(cookie, email, await devices.recognise(cookie, email));
  }
  assert.equal(cookie!.split("~").length, 5);
  assert.equal(await devices.recognise(cookie, "a@example.org"), null, "the oldest is dropped");
  const before = await devices.recognise(cookie, "c@example.org");
  const renewed = await devices.issue(cookie, "c@example.org", before);
  assert.equal(renewed.split("~").length, 5);
  const after = await devices.recognise(renewed, "c@example.org");
  assert.ok(after && after !== before, "a new device id replaces the old one");
  for (const name of ["b", "d", "e", "f"]) {
    assert.ok(await devices.recognise(renewed, `${name}@example.org`), name);
  }
});
