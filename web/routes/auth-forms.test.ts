/**
 * The sign-in and sign-up forms as plain forms (issue 14): they post to /login and /signup and
 * the server does the rest, so they work before hydration and with JavaScript off. In memory,
 * with `app.request()`; web/e2e/no-script.test.ts does it in Chromium with scripts disabled.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/app.ts";

const ORIGIN = "http://localhost";

function formPost(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

Deno.test("a sign-up form creates the account and opens the dashboard; a bad one says why", async () => {
  const t = createTestApp();
  try {
    const short = await t.raw.request(
      "/signup",
      formPost({
        displayName: "Ann Carer",
        email: "ann@example.org",
        password: "short",
      }),
    );
    assert.equal(short.status, 400);
    const html = await short.text();
    assert.match(html, /Please correct the highlighted fields/);
    assert.match(html, /value="ann@example\.org"/, "the typed email is kept");
    assert.doesNotMatch(html, /short/, "the password never comes back");

    const made = await t.raw.request(
      "/signup",
      formPost({
        displayName: "Ann Carer",
        email: "ann@example.org",
        password: "correct horse battery",
      }),
    );
    assert.equal(made.status, 303);
    assert.equal(made.headers.get("location"), "/dashboard");
    assert.match(made.headers.getSetCookie().join("\n"), /cf_session=/);
  } finally {
    await t.close();
  }
});

Deno.test("a sign-in form signs in, and a wrong password shows the page again with the email", async () => {
  const t = createTestApp();
  try {
    await t.signup("bob@example.org", "Bob Nurse");
    const wrong = await t.raw.request(
      "/login",
      formPost({
        email: "bob@example.org",
        password: "not his password",
      }),
    );
    assert.equal(wrong.status, 401);
    const html = await wrong.text();
    assert.match(html, /The email or password is wrong/);
    assert.match(html, /value="bob@example\.org"/);
    assert.doesNotMatch(html, /not his password/);
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/login"/);

    const ok = await t.raw.request(
      "/login",
      formPost({
        email: "bob@example.org",
        password: "correct horse battery",
      }),
    );
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/dashboard");
    const cookies = ok.headers.getSetCookie().join("\n");
    assert.match(cookies, /cf_session=/);
    assert.match(cookies, /cf_device=/, "the known-device cookie too");
  } finally {
    await t.close();
  }
});

Deno.test("a form posted from another site signs nobody in", async () => {
  const t = createTestApp();
  try {
    await t.signup("cat@example.org", "Cat");
    const forged = await t.raw.request(
      "/login",
      formPost(
        { email: "cat@example.org", password: "correct horse battery" },
        { origin: "https://evil.example" },
      ),
    );
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.getSetCookie().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("by invitation, a form without a valid link gets the one answer for every reason", async () => {
  const t = createTestApp({ SIGNUP: "invite" });
  try {
    const refused = await t.raw.request(
      "/signup",
      formPost({
        displayName: "Eve",
        email: "eve@example.org",
        password: "correct horse battery",
        invite: "A".repeat(43),
      }),
    );
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /This invitation link is not valid/);
  } finally {
    await t.close();
  }
});
