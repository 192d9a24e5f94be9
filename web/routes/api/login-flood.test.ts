/**
 * Sign-in under attack, through the real app (routes, throttle, known devices, hash queue, real
 * argon2 at a test cost): the owner's known device gets in while the account is guessed at, a
 * stranger waits a growing delay, a flood from one address is refused before anything is hashed,
 * and a flood of made-up emails neither exceeds the hash bound nor keeps real users out.
 */
import assert from "node:assert/strict";
import { eventually } from "../../../testing/eventually.ts";
import { argon2Hasher, type PasswordHasher } from "../../auth/passwords.ts";
import { createTestApp, jsonPost, type TestApp } from "../../testing/app.ts";

const PASSWORD = "correct horse battery";

/** The real hasher, counting the checks that reach it, and able to hold them at a gate. */
function watchedHasher() {
  const real = argon2Hasher({ memoryCost: 1024 });
  let gate = Promise.resolve();
  let open = () => {};
  const seen = { passwords: [] as string[], inFlight: 0, maxInFlight: 0 };
  const through = async <T>(password: string, work: () => Promise<T>) => {
    seen.passwords.push(password);
    seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
    try {
      await gate;
      return await work();
    } finally {
      seen.inFlight--;
    }
  };
  const hasher: PasswordHasher = {
    hash: (password) => through(password, () => real.hash(password)),
    verify: (stored, password) => through(password, () => real.verify(stored, password)),
    verifyNothing: (password) => through(password, () => real.verifyNothing(password)),
  };
  return {
    hasher,
    seen,
    hold: () => void (gate = new Promise((resolve) => (open = resolve))),
    release: () => open(),
  };
}

/** A login from `source` (the connection's peer address), with a cookie if given. */
function login(t: TestApp, email: string, password: string, source: string, cookie?: string) {
  return t.app.request(
    "/api/auth/login",
    jsonPost({ email, password }, cookie ? { cookie } : {}),
    { remoteAddr: { hostname: source, port: 40_000, transport: "tcp" } },
  );
}

/** `cf_device=...` from a response, ready for a Cookie header. */
function deviceCookie(response: Response): string {
  const found = response.headers.getSetCookie().find((c) => c.startsWith("cf_device="));
  assert.ok(found, "a device cookie is set");
  assert.match(found, /HttpOnly/);
  assert.match(found, /SameSite=Strict/);
  // Sent to the API and the plain sign-in form alike, never to another site (SameSite=Strict).
  assert.match(found, /Path=\/;/);
  return found.split(";")[0];
}

async function statusOf(response: Response | Promise<Response>) {
  const r = await response;
  await r.body?.cancel();
  return r.status;
}

Deno.test("the owner's known device signs in while the account is under attack; strangers wait", async () => {
  let now = new Date("2026-01-01T10:00:00Z");
  const t = createTestApp({}, { now: () => now });
  try {
    await t.signup("ann@example.org");
    const first = await login(t, "ann@example.org", PASSWORD, "198.51.100.1");
    assert.equal(first.status, 200);
    const annDevice = deviceCookie(first);
    await t.signup("mallory@example.org");
    const malloryDevice = deviceCookie(
      await login(t, "mallory@example.org", PASSWORD, "192.0.2.66"),
    );
    // The attacker guesses Ann's password from two addresses until the account backs off.
    for (let n = 0; n < 10; n++) {
      assert.equal(
        await statusOf(login(t, "ann@example.org", `guess ${n}`, `192.0.2.${n % 2}`)),
        401,
      );
    }
    assert.equal(await statusOf(login(t, "ann@example.org", "guess", "192.0.2.1")), 429);
    assert.equal(
      await statusOf(login(t, "ann@example.org", "guess", "192.0.2.1", malloryDevice)),
      429,
      "a device cookie of another account is no way around",
    );
    assert.equal(
      await statusOf(login(t, "ann@example.org", PASSWORD, "198.51.100.7")),
      429,
      "a new device waits like anyone",
    );
    // Ann's own browser gets in at once, a typo there costs her device, not the account.
    assert.equal(
      await statusOf(login(t, "ann@example.org", "typo", "198.51.100.1", annDevice)),
      401,
    );
    const again = await login(t, "ann@example.org", PASSWORD, "198.51.100.1", annDevice);
    assert.equal(again.status, 200);
    assert.notEqual(deviceCookie(again), annDevice, "the token is renewed");
    assert.equal(
      await statusOf(login(t, "ann@example.org", "guess", "192.0.2.1")),
      429,
      "her sign-in does not restart the attacker's backoff",
    );
    now = new Date(now.getTime() + 60_000);
    assert.equal(
      await statusOf(login(t, "ann@example.org", PASSWORD, "198.51.100.7")),
      200,
      "after the short delay the right password gets in from anywhere",
    );
  } finally {
    await t.close();
  }
});

Deno.test("a stranger gets 429 with a Retry-After that doubles, never a lockout", async () => {
  let now = new Date("2026-01-01T10:00:00Z");
  const t = createTestApp({ LOGIN_MAX_FAILURES: "3" }, { now: () => now });
  try {
    await t.signup("ann@example.org");
    const attempt = (password: string) => login(t, "ann@example.org", password, "192.0.2.1");
    for (let n = 0; n < 3; n++) assert.equal(await statusOf(attempt(`guess ${n}`)), 401);
    const waits: number[] = [];
    for (let n = 0; n < 3; n++) {
      const refused = await attempt("guess again");
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("content-type"), "application/problem+json");
      const wait = Number(refused.headers.get("retry-after"));
      const when = wait < 90 ? `${wait} s` : `${wait / 60} min`;
      assert.match((await refused.json()).detail, new RegExp(`Try again in ${when}\\.`));
      waits.push(wait);
      now = new Date(now.getTime() + wait * 1000);
      assert.equal(await statusOf(attempt(`late guess ${n}`)), 401, "on time it is checked");
    }
    assert.deepEqual(waits, [60, 120, 240]);
    const refused = await attempt(PASSWORD);
    assert.equal(refused.headers.get("retry-after"), "300", "capped at LOGIN_BACKOFF_MAX_SECONDS");
    assert.match((await refused.json()).detail, /Try again in 5 min/);
    now = new Date(now.getTime() + 300_000);
    assert.equal(await statusOf(attempt(PASSWORD)), 200);
  } finally {
    await t.close();
  }
});

Deno.test("logins beyond the per-address limit get 429 before anything is hashed", async () => {
  const watched = watchedHasher();
  const t = createTestApp({ LOGINS_PER_SOURCE_PER_MINUTE: "5" }, { passwords: watched.hasher });
  try {
    await t.signup("ann@example.org");
    const annDevice = deviceCookie(await login(t, "ann@example.org", PASSWORD, "198.51.100.1"));
    watched.seen.passwords.length = 0;
    const statuses = [];
    for (let n = 0; n < 8; n++) {
      statuses.push(
        await statusOf(login(t, `nobody${n}@example.org`, `flood ${n}`, "203.0.113.9")),
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert.deepEqual(watched.seen.passwords, [
      "flood 0",
      "flood 1",
      "flood 2",
      "flood 3",
      "flood 4",
    ]);
    const refused = await login(t, "ann@example.org", PASSWORD, "203.0.113.9", annDevice);
    assert.equal(refused.status, 429, "a known device does not lift the per-address limit");
    assert.equal(refused.headers.get("retry-after"), "60");
    assert.equal(refused.headers.get("content-type"), "application/problem+json");
    await refused.body?.cancel();
    assert.equal(watched.seen.passwords.length, 5, "nothing more was hashed");
    assert.equal(await statusOf(login(t, "ann@example.org", PASSWORD, "203.0.113.10")), 200);
  } finally {
    await t.close();
  }
});

Deno.test("a flood of made-up emails: at most the bound hash at once, the overflow gets 503", async () => {
  const watched = watchedHasher();
  const t = createTestApp({
    PASSWORD_HASH_CONCURRENCY: "2",
    PASSWORD_HASH_QUEUE: "3",
    LOGINS_PER_SOURCE_PER_MINUTE: "1000",
  }, { passwords: watched.hasher });
  try {
    watched.hold();
    let answered = 0;
    const flood = Array.from(
      { length: 20 },
      (_, n) =>
        statusOf(login(t, `nobody${n}@example.org`, `flood ${n}`, `203.0.113.${n}`)).finally(() =>
          answered++
        ),
    );
    // Everything beyond 2 running and 3 waiting is answered while the checks are held.
    await eventually("the overflow is refused", () => answered === 15);
    assert.equal(watched.seen.inFlight, 2);
    watched.release();
    const statuses = await Promise.all(flood);
    assert.equal(statuses.filter((s) => s === 401).length, 5);
    assert.equal(statuses.filter((s) => s === 503).length, 15);
    assert.equal(watched.seen.maxInFlight, 2);
    assert.equal(watched.seen.passwords.length, 5, "the refused were never hashed");
  } finally {
    await t.close();
  }
});

Deno.test("a full queue of made-up emails makes room for a known device, then a known account", async () => {
  const watched = watchedHasher();
  const t = createTestApp({
    PASSWORD_HASH_CONCURRENCY: "1",
    PASSWORD_HASH_QUEUE: "2",
    LOGINS_PER_SOURCE_PER_MINUTE: "1000",
  }, { passwords: watched.hasher });
  try {
    await t.signup("ann@example.org", "Ann", "ann's own passphrase");
    const annDevice = deviceCookie(
      await login(t, "ann@example.org", "ann's own passphrase", "198.51.100.1"),
    );
    await t.signup("bob@example.org", "Bob", "bob's own passphrase");
    watched.hold();
    watched.seen.passwords.length = 0;
    const flood = [0, 1, 2].map((n) =>
      statusOf(login(t, `nobody${n}@example.org`, `flood ${n}`, `203.0.113.${n}`))
    );
    await eventually("one check runs, two wait", () => watched.seen.passwords.length === 1);
    const ann = statusOf(
      login(t, "ann@example.org", "ann's own passphrase", "198.51.100.1", annDevice),
    );
    const bob = statusOf(login(t, "bob@example.org", "bob's own passphrase", "198.51.100.2"));
    const late = statusOf(login(t, "nobody9@example.org", "flood 9", "203.0.113.9"));
    assert.equal(await late, 503, "full of more urgent checks: refused at once");
    assert.deepEqual(await Promise.all([flood[1], flood[2]]), [503, 503], "displaced");
    watched.release();
    assert.deepEqual([await flood[0], await ann, await bob], [401, 200, 200]);
    assert.deepEqual(watched.seen.passwords, [
      "flood 0",
      "ann's own passphrase",
      "bob's own passphrase",
    ]);
  } finally {
    await t.close();
  }
});
