import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

async function signUpThroughPages(page: Page, base: string, name: string, email: string) {
  await page.goto(`${base}/signup`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("short");
  await page.getByLabel(/^Password/).press("Enter");
  await page.getByText("must be at least 10 characters").waitFor();
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${base}/dashboard`);
  await page.locator("cf-island[data-hydrated]").first().waitFor();
  return (await page.getByTestId("care4w-id").textContent())!.trim();
}

Deno.test("two users sign up through the pages; the second finds the first by CareFlow ID", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const ann = await browser.newPage();
    const annErrors = watchErrors(ann);
    const annId = await signUpThroughPages(ann, server.url, "Ann Carer", "ann@example.org");
    assert.match(await ann.getByTestId("display-name").textContent() ?? "", /Ann Carer/);

    const bob = await (await browser.newContext({ viewport: { width: 390, height: 844 } }))
      .newPage();
    const bobErrors = watchErrors(bob);
    const bobId = await signUpThroughPages(bob, server.url, "Bob Nurse", "bob@example.org");
    assert.match(annId, /^care4w-\d{7}$/);
    assert.equal(Number(bobId.slice(7)), Number(annId.slice(7)) + 1, "consecutive IDs");

    const input = bob.getByLabel("Number or CareFlow ID");
    await input.fill(annId);
    await bob.getByTestId("callee-name").getByText("Ann Carer").waitFor({ timeout: 20_000 });
    assert.match(await bob.getByTestId("dial-hint").textContent() ?? "", /CareFlow ID/);
    assert.equal(await bob.getByRole("button", { name: "Call" }).isEnabled(), true);

    await input.fill("+44 20 7946 0958");
    await bob.getByTestId("dial-hint").getByText("Phone number +442079460958").waitFor();
    await input.fill("12345");
    await bob.getByTestId("dial-hint").getByText(/Not a CareFlow ID or a phone number/).waitFor();
    assert.equal(await bob.getByRole("button", { name: "Call" }).isEnabled(), false);
    assert.deepEqual([...annErrors, ...bobErrors], []);
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("the landing page ships no script; the dialer island hydrates and a click changes it", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(server.url);
    assert.equal(await page.locator("script").count(), 0);
    assert.equal(requested.filter((url) => url.endsWith(".js")).length, 0, "no JavaScript fetched");

    const errors = watchErrors(page);
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Your name").fill("Cy");
    await page.getByLabel("Email").fill("cy@example.org");
    await page.getByLabel(/^Password/).fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${server.url}/dashboard`);
    const input = page.getByLabel("Number or CareFlow ID");
    // The dialer's own island (the dashboard has several; the first hydrated may be another).
    await page.locator("cf-island[data-hydrated]", { has: input }).waitFor();
    for (const key of ["1", "0", "0", "0", "0", "0", "1"]) {
      await page.getByRole("button", { name: key, exact: true }).click();
    }
    assert.equal(await input.inputValue(), "1000001");
    await page.getByTestId("callee-name").getByText("Cy").waitFor();
    await page.keyboard.press("Backspace");
    assert.equal(await input.inputValue(), "100000", "keys typed on the keypad edit the number");
    await page.getByRole("button", { name: "Clear" }).click();
    assert.equal(await input.inputValue(), "");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
