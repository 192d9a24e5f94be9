/**
 * Invitation-only sign-up (issue 13, item 10): sign-up must not tell a stranger which emails
 * have accounts, so every refusal is one answer, and only an invitation's link makes an account.
 */
import assert from "node:assert/strict";
import { createTestApp, jsonPost, sessionCookie, type TestApp } from "../testing/app.ts";
import { createInvitations, INVALID_INVITATION, invitationTokenHash } from "./invitations.ts";
import { openSqliteStore } from "../store/sqlite/mod.ts";

const DAY = 24 * 60 * 60_000;
const PASSWORD = "correct horse battery";

/** An app taking sign-ups by invitation only, on a clock the test moves. */
function inviteOnlyApp(env: Record<string, string> = {}) {
  const clock = { ms: Date.now() };
  const t = createTestApp({ SIGNUP: "invite", ...env }, { now: () => new Date(clock.ms) });
  return { t, clock };
}

/** Invites `email` as the operator does; the link's token. */
async function invite(t: TestApp, email: string): Promise<string> {
  const result = await t.services.invitations.invite(email, "operator");
  if (result.kind !== "invited") throw new Error(`${email} already has an account`);
  return result.token;
}

function signup(t: TestApp, email: string, invite?: string) {
  const body = {
    email,
    password: PASSWORD,
    displayName: "Someone",
    ...(invite === undefined ? {} : { invite }),
  };
  return t.app.request("/api/auth/signup", jsonPost(body));
}

/** Headers that differ on every request (the request's id, the CSP's nonce) by design. */
const PER_REQUEST = /^(x-request-id|content-security-policy)$/;

/** What an answer looks like from outside: status, headers (bar `PER_REQUEST`), body bytes. */
async function seen(response: Response) {
  return {
    status: response.status,
    headers: [...response.headers].filter(([name]) => !PER_REQUEST.test(name)),
    body: await response.text(),
  };
}

const randomToken = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

Deno.test("by invitation, sign-up answers a taken and a free email exactly alike", async () => {
  const { t, clock } = inviteOnlyApp();
  const usedToken = await invite(t, "ann@example.org");
  assert.equal((await signup(t, "ann@example.org", usedToken)).status, 201);
  const othersToken = await invite(t, "bob@example.org");
  const expiredToken = await invite(t, "cy@example.org");
  clock.ms += 8 * DAY;
  const freshToken = await invite(t, "dee@example.org");
  const attempts: [string, string | undefined][] = [
    ["ann@example.org", undefined],
    ["nobody@example.org", undefined],
    ["ANN@example.org", ""],
    ["nobody@example.org", ""],
    ["ann@example.org", randomToken()],
    ["nobody@example.org", randomToken()],
    ["ann@example.org", usedToken],
    ["nobody@example.org", usedToken],
    ["ann@example.org", othersToken],
    ["ann@example.org", othersToken.slice(0, 20)],
    ["ann@example.org", freshToken],
    ["nobody@example.org", freshToken],
    ["cy@example.org", expiredToken],
  ];
  const answers = [];
  for (const [email, token] of attempts) answers.push(await seen(await signup(t, email, token)));
  for (const [n, answer] of answers.entries()) {
    assert.deepEqual(answer, answers[0], `attempt ${n} (${attempts[n][0]}) looks different`);
  }
  assert.deepEqual(JSON.parse(answers[0].body), {
    title: "Forbidden",
    status: 403,
    detail: INVALID_INVITATION,
  });
  assert.ok(!answers[0].headers.some(([name]) => name === "set-cookie"), "no session");
  assert.equal(await t.services.store.findUserByEmail("nobody@example.org"), null);
  await t.close();
});

Deno.test("with SIGNUP=open the probe above does tell a taken email apart (why it is not the default)", async () => {
  const t = createTestApp({ SIGNUP: "open" });
  await t.signup("ann@example.org");
  const taken = await seen(await signup(t, "ann@example.org"));
  const free = await seen(await signup(t, "nobody@example.org"));
  assert.equal(taken.status, 409);
  assert.equal(free.status, 201);
  await t.close();
});

Deno.test("a valid invitation makes the account with a session, once", async () => {
  const { t } = inviteOnlyApp();
  const token = await invite(t, "Ann@Example.org");
  const response = await signup(t, "ann@EXAMPLE.org", token);
  assert.equal(response.status, 201);
  const { user } = await response.json();
  assert.equal(user.email, "ann@EXAMPLE.org", "the email as its owner typed it");
  assert.equal(user.role, "user", "an invitation makes nobody an admin");
  const me = await t.app.request("/api/me", { headers: { cookie: sessionCookie(response) } });
  assert.equal((await me.json()).user.care4wId, user.care4wId);
  const stored = await t.services.store.findInvitationByTokenHash(invitationTokenHash(token));
  assert.equal(stored?.usedBy, user.id);
  assert.notEqual(stored?.usedAt, null);
  assert.deepEqual(await t.services.invitations.pending(), []);

  const again = await signup(t, "ann@example.org", token);
  assert.equal(again.status, 403, "a link is good for one account");
  assert.equal((await again.json()).detail, INVALID_INVITATION);
  await t.close();
});

Deno.test("an invitation is good until it expires, and a re-invitation replaces the old link", async () => {
  const { t, clock } = inviteOnlyApp({ INVITE_DAYS: "2" });
  const first = await invite(t, "ann@example.org");
  const second = await invite(t, "ann@example.org");
  assert.equal((await signup(t, "ann@example.org", first)).status, 403, "replaced");
  clock.ms += 2 * DAY + 1000;
  assert.equal((await signup(t, "ann@example.org", second)).status, 403, "expired");
  assert.equal(await t.services.store.findUserByEmail("ann@example.org"), null);
  const third = await invite(t, "ann@example.org");
  clock.ms += 2 * DAY - 60_000;
  assert.equal((await signup(t, "ann@example.org", third)).status, 201, "still good");
  await t.close();
});

Deno.test("two concurrent sign-ups with one link make exactly one account", async () => {
  const { t } = inviteOnlyApp();
  const token = await invite(t, "ann@example.org");
  const statuses = (await Promise.all([
    signup(t, "ann@example.org", token),
    signup(t, "Ann@example.org", token),
    signup(t, "ann@example.org", token),
  ])).map((response) => response.status).sort();
  assert.deepEqual(statuses, [201, 403, 403]);
  const user = await t.services.store.findUserByEmail("ann@example.org");
  const stored = await t.services.store.findInvitationByTokenHash(invitationTokenHash(token));
  assert.equal(stored?.usedBy, user?.id);
  await t.close();
});

Deno.test("tokens are 32 random bytes, stored only as their hash, and never logged", async () => {
  const { t } = inviteOnlyApp();
  const token = await invite(t, "ann@example.org");
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const [stored] = await t.services.invitations.pending();
  assert.equal(stored.tokenHash, invitationTokenHash(token));
  assert.ok(!JSON.stringify(stored).includes(token));
  assert.equal((await signup(t, "ann@example.org", token)).status, 201);
  assert.ok(!t.logs.join("\n").includes(token));
  await t.close();
});

Deno.test("an account that cannot be created hands the invitation back; a taken email spends it", async () => {
  const store = openSqliteStore(":memory:");
  let fail = true;
  const invitations = createInvitations({
    store,
    signUp: (input) => {
      if (fail) return Promise.reject(new Error("disk full"));
      return store.createUser({ ...input, role: "user" });
    },
    days: 7,
    now: () => new Date(),
  });
  const account = { email: "ann@example.org", displayName: "Ann", passwordHash: null };
  const result = await invitations.invite("ann@example.org", "operator");
  assert.equal(result.kind, "invited");
  const token = result.kind === "invited" ? result.token : "";
  await assert.rejects(invitations.redeem(token, { ...account, firebaseUid: null }), /disk full/);
  assert.equal(await invitations.admits(token, "ann@example.org"), true, "handed back");
  assert.equal(await invitations.admits(token, "bob@example.org"), false, "for Ann only");
  assert.equal(
    await invitations.redeem(token, { ...account, email: "bob@example.org", firebaseUid: null }),
    null,
  );
  assert.equal(await invitations.admits(token, "ann@example.org"), true, "still Ann's");

  // Ann got an account some other way meanwhile (say, Firebase): the link is spent, no error.
  fail = false;
  await store.createUser({ ...account, firebaseUid: "fb-ann", role: "user" });
  assert.equal(await invitations.redeem(token, { ...account, firebaseUid: null }), null);
  assert.equal(await invitations.admits(token, "ann@example.org"), false);
  assert.equal((await invitations.invite("ann@example.org", "operator")).kind, "has-account");
  await store.close();
});
