/**
 * The Admin section in a real Chromium: an admin finds a colleague by searching (on the server)
 * and makes them an admin, which holds after a reload; a non-admin cannot open the section, by
 * its address or through the API.
 */
import assert from "node:assert/strict";
import { runAdmin } from "../../tools/admin.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

const PASSWORD = "correct horse battery";

/** Signs up through the API; the session cookie's value. */
async function signUp(base: string, email: string, displayName: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, displayName }),
  });
  assert.equal(response.status, 201);
  await response.body?.cancel();
  return response.headers.get("set-cookie")!.split(";")[0].split("=")[1];
}

Deno.test("an admin finds a colleague by search and makes them an admin; others cannot enter", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const base = server.url;
    const boss = await signUp(base, "boss@example.org", "Boss");
    assert.equal(await runAdmin(["promote", "boss@example.org"], { DATA_DIR: server.dataDir }), 0);
    const ann = await signUp(base, "ann@example.org", "Ann Carer");
    await signUp(base, "bob@example.org", "Bob Nurse");
    // The CLI is another process: web sees its write once its one-second read cache lets go.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: "cf_session", value: boss, url: base }]);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/dashboard`);
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByRole("heading", { name: "Admin", level: 1 }).waitFor();
    const people = page.getByTestId("people");
    await page.locator("cf-island[data-hydrated]", { has: people }).waitFor();
    await people.getByRole("listitem").filter({ hasText: "Bob Nurse" }).waitFor();

    await page.getByLabel("Search people").fill("carer");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await people.getByText("1 found for “carer”.").waitFor();
    assert.equal(await people.getByRole("listitem").count(), 1, "only Ann");
    const row = people.getByRole("listitem").filter({ hasText: "Ann Carer" });
    await row.getByText("no phone password", { exact: false }).waitFor();
    await page.getByRole("button", { name: "Make admin (Ann Carer)" }).click();
    await people.getByText("Ann Carer is an admin now.").waitFor();
    await page.getByRole("button", { name: "Make user (Ann Carer)" }).waitFor();
    assert.equal(await page.getByTestId("system-health").count(), 1);
    assert.equal(await page.getByTestId("organisation-totals").count(), 1);

    // The change is the server's, not the page's: Ann's own session is an admin's now.
    const me = await fetch(`${base}/api/me`, { headers: { cookie: `cf_session=${ann}` } });
    assert.equal((await me.json()).user.role, "admin");
    await page.reload();
    await page.getByLabel("Search people").fill("care4w-1000002");
    await page.getByLabel("Search people").press("Enter");
    await people.getByText("1 found for “care4w-1000002”.").waitFor();
    await people.getByText("· admin", { exact: false }).waitFor();

    // Bob is no admin: no Admin section by its address, and the API says 403.
    const bobContext = await browser.newContext();
    const bob = await signUp(base, "bob2@example.org", "Bob Two");
    await bobContext.addCookies([{ name: "cf_session", value: bob, url: base }]);
    const bobPage = await bobContext.newPage();
    const answer = await bobPage.goto(`${base}/dashboard/admin`);
    assert.equal(answer?.status(), 404);
    await bobPage.getByRole("heading", { name: "Page not found" }).waitFor();
    assert.equal(await bobPage.getByTestId("people").count(), 0);
    const api = await bobPage.evaluate(async () => {
      const response = await fetch("/api/admin/users?q=ann");
      return { status: response.status, type: response.headers.get("content-type") };
    });
    assert.deepEqual(api, { status: 403, type: "application/problem+json" });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
