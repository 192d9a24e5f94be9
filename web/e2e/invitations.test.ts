/**
 * Invitation-only sign-up in a real Chromium: the operator's first admin (`deno task admin
 * invite`, sign up with the link, `promote`), then that admin inviting a colleague in the Admin
 * section.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { runAdmin } from "../../tools/admin.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

async function signUpWithLink(page: Page, link: string, name: string, email: string) {
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
}

Deno.test("the operator invites the first admin, who invites a colleague from Admin", async () => {
  const server = await startServer({ SIGNUP: "invite" });
  const browser = await launchChromium();
  const printed: string[] = [];
  const admin = (...args: string[]) =>
    runAdmin(args, { DATA_DIR: server.dataDir, PUBLIC_URL: server.url }, (l) => printed.push(l));
  try {
    assert.equal(await admin("invite", "boss@example.org"), 0);
    const bossLink = printed.find((line) => line.startsWith(server.url))!;
    const boss = await browser.newPage();
    const bossErrors = watchErrors(boss);
    await signUpWithLink(boss, bossLink, "Boss", "boss@example.org");
    await boss.waitForURL(`${server.url}/dashboard`);
    assert.equal(await admin("promote", "boss@example.org"), 0);
    // The CLI is another process: web sees its write once its one-second read cache lets go.
    await boss.waitForTimeout(1100);

    await boss.goto(`${server.url}/dashboard/admin`);
    const invitations = boss.getByTestId("invitations");
    await boss.locator("cf-island[data-hydrated]", { has: invitations }).waitFor();
    await invitations.getByText("No invitation is waiting to be used.").waitFor();
    await boss.getByLabel("Colleague's email").fill("boss@example.org");
    await boss.getByRole("button", { name: "Invite", exact: true }).click();
    await boss.getByText("This email already has an account.").waitFor();
    await boss.getByLabel("Colleague's email").fill("cy@example.org");
    await boss.getByRole("button", { name: "Invite", exact: true }).click();
    const linkField = boss.getByLabel(/^Link for cy@example\.org/);
    await linkField.waitFor();
    const cyLink = await linkField.inputValue();
    assert.match(cyLink, /\/signup\?invite=[A-Za-z0-9_-]{43}$/);
    await invitations.getByRole("listitem").filter({ hasText: "cy@example.org" }).waitFor();

    const cy = await (await browser.newContext()).newPage();
    const cyErrors = watchErrors(cy);
    await cy.goto(`${server.url}/signup`);
    await cy.getByText("CareFlow accounts are by invitation.", { exact: false }).waitFor();
    assert.equal(await cy.locator("form").count(), 0, "no form without a link");
    await signUpWithLink(cy, cyLink, "Cy", "cy@example.org");
    await cy.waitForURL(`${server.url}/dashboard`);

    // A revoked link: the form says the one thing every refused sign-up hears.
    await boss.getByLabel("Colleague's email").fill("dee@example.org");
    await boss.getByRole("button", { name: "Invite", exact: true }).click();
    const deeLink = await boss.getByLabel(/^Link for dee@example\.org/).inputValue();
    await boss.getByRole("button", { name: "Revoke the invitation of dee@example.org" }).click();
    await invitations.getByText("No invitation is waiting to be used.").waitFor();
    const dee = await (await browser.newContext()).newPage();
    await signUpWithLink(dee, deeLink, "Dee", "dee@example.org");
    await dee.getByRole("alert").getByText("This invitation link is not valid.", { exact: false })
      .waitFor();
    assert.deepEqual([...bossErrors, ...cyErrors], []);
  } finally {
    await browser.close();
    await server.close();
  }
});
