/**
 * Signing up and in with JavaScript off, in a real Chromium (issue 14): the forms are plain
 * forms, so pressing Enter posts them (never a GET with the password in the URL), a wrong
 * password shows the page again with the email kept, and the right one opens the dashboard.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

Deno.test("with JavaScript off, sign-up and sign-in work by pressing Enter", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const urls: string[] = [];
    page.on("request", (request) => urls.push(request.url()));

    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Your name").fill("Ann Carer");
    await page.getByLabel("Email").fill("ann@example.org");
    await page.getByLabel(/^Password/).fill("correct horse battery");
    await page.getByLabel(/^Password/).press("Enter");
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByText("Ann Carer").first().waitFor();

    await context.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill("ann@example.org");
    await page.getByLabel("Password").fill("a wrong one");
    await page.getByLabel("Password").press("Enter");
    await page.getByText("The email or password is wrong.").waitFor();
    assert.equal(await page.getByLabel("Email").inputValue(), "ann@example.org");

    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL(`${server.url}/dashboard`);
    assert.ok(
      urls.every((url) => !url.includes("password") && !url.includes("correct")),
      `no request carried the password in its URL: ${urls.join(" ")}`,
    );
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
