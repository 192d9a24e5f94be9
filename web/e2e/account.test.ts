/**
 * Account basics in a real Chromium (issue 14): an admin's password-reset link works with
 * JavaScript off, once; and Settings lets a person rename themselves, change their password and
 * sign their other devices out, and an admin make a reset link for a colleague, on a phone-sized
 * screen.
 */
import assert from "node:assert/strict";
import { runAdmin } from "../../tools/admin.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "purple staple battery";

/** Signs up through the API; the session cookie and CareFlow ID. */
async function signUp(base: string, email: string, displayName: string) {
  const response = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, displayName }),
  });
  assert.equal(response.status, 201);
  const { user } = await response.json();
  return { cookie: response.headers.get("set-cookie")!.split(";")[0], care4wId: user.care4wId };
}

Deno.test("with JavaScript off, an admin's reset link sets a new password, once", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const base = server.url;
    const boss = await signUp(base, "boss@example.org", "Boss");
    assert.equal(await runAdmin(["promote", "boss@example.org"], { DATA_DIR: server.dataDir }), 0);
    const ann = await signUp(base, "ann@example.org", "Ann Carer");
    const issued = await fetch(`${base}/api/admin/users/${ann.care4wId}/password-reset`, {
      method: "POST",
      headers: { cookie: boss.cookie, origin: base },
    });
    assert.equal(issued.status, 201);
    const { link } = await issued.json();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const urls: string[] = [];
    page.on("request", (request) => urls.push(request.url()));
    await page.goto(link);
    await page.getByLabel("New password (10 characters or more)").fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill("not the same one");
    await page.getByLabel("New password again").press("Enter");
    await page.getByText("must be the same password").waitFor();
    await page.getByLabel("New password (10 characters or more)").fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByLabel("New password again").press("Enter");
    await page.getByTestId("reset-done").waitFor();
    const me = await fetch(`${base}/api/me`, { headers: { cookie: ann.cookie } });
    assert.equal(me.status, 401, "Ann's earlier session ended");
    await me.body?.cancel();

    await page.getByRole("link", { name: "Sign in", exact: true }).last().click();
    await page.getByLabel("Email").fill("ann@example.org");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Ann Carer").first().waitFor();

    await page.goto(link);
    await page.getByTestId("reset-invalid").waitFor();
    assert.equal(await page.locator("form").count(), 0, "a used link shows no form");
    assert.ok(
      urls.every((url) => !url.includes("staple") && !url.includes("same")),
      `no request carried a password in its URL: ${urls.join(" ")}`,
    );
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("Settings on a phone: rename, change password, sign out elsewhere; admins reset", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const base = server.url;
    await signUp(base, "boss@example.org", "Boss");
    assert.equal(await runAdmin(["promote", "boss@example.org"], { DATA_DIR: server.dataDir }), 0);
    const ann = await signUp(base, "ann@example.org", "Ann Carer");
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies([{ name: "cf_session", value: ann.cookie.split("=")[1], url: base }]);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const elsewhere = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ann@example.org", password: PASSWORD }),
    });
    const otherDevice = elsewhere.headers.getSetCookie()[0].split(";")[0];

    await page.goto(`${base}/dashboard/settings`);
    const account = page.getByTestId("account-settings");
    await page.locator("cf-island[data-hydrated]", { has: account }).waitFor();
    await page.getByLabel("Your name").fill("Ann \u202Eevil");
    await page.getByRole("button", { name: "Save name" }).click();
    await account.getByText("This name must not contain text-direction override").waitFor();
    await page.getByLabel("Your name").fill("Ann Nurse");
    await page.getByRole("button", { name: "Save name" }).click();
    await account.getByText("Saved: colleagues now see you as Ann Nurse.").waitFor();

    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password (10 characters or more)").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await account.getByText("The current password is wrong.").waitFor();
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await account.getByText("Password changed. 1 other device was signed out.").waitFor();
    const gone = await fetch(`${base}/api/me`, { headers: { cookie: otherDevice } });
    assert.equal(gone.status, 401);
    await gone.body?.cancel();
    await page.getByRole("button", { name: "Sign out of all other devices" }).click();
    await account.getByText("0 other devices were signed out.").waitFor();
    assert.equal(await page.locator("[data-testid=people]").count(), 0, "no people list for users");
    await page.reload();
    assert.equal(await page.getByTestId("display-name").first().textContent(), "Ann Nurse");
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= 390),
      "nothing wider than the phone",
    );

    // The admin's people list (in the Admin section): a reset link for Ann, shown to copy.
    const bossContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const bossPage = await bossContext.newPage();
    const bossErrors = watchErrors(bossPage);
    await bossPage.goto(`${base}/login`);
    await bossPage.getByLabel("Email").fill("boss@example.org");
    await bossPage.getByLabel("Password").fill(PASSWORD);
    await bossPage.getByLabel("Password").press("Enter");
    await bossPage.waitForURL(`${base}/dashboard`);
    await bossPage.goto(`${base}/dashboard/admin`);
    const people = bossPage.getByTestId("people");
    await people.getByText("This is you").waitFor();
    await bossPage.getByRole("button", { name: "Reset link for Ann Nurse" }).click();
    const linkField = bossPage.getByLabel(/^Password-reset link for Ann Nurse/);
    await linkField.waitFor();
    assert.match(await linkField.inputValue(), /\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    await people.getByText("A reset link for Ann Nurse is ready to copy.").waitFor();
    assert.equal(
      await bossPage.evaluate(() => document.activeElement?.id),
      "reset-link",
      "the link has the focus, selected to copy",
    );
    assert.ok(
      await bossPage.evaluate(() => document.documentElement.scrollWidth <= 390),
      "the people list fits the phone",
    );
    assert.deepEqual([...errors, ...bossErrors], []);
  } finally {
    await browser.close();
    await server.close();
  }
});
