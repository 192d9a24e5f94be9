/**
 * Screenshots of each call state and each section, at 1280x800 and 390x844, for a person to look
 * at (`deno run -A bench/dashboard/screenshots.ts [dir]`, default /tmp/careflow-screens): two real
 * Chromium contexts call each other through the real app; then an admin with a fortnight of
 * calls opens every section the navigation has (web/routes/sections.tsx, so a new section is
 * shot without anyone adding it here), each as a whole page. Nothing is asserted here.
 */
import type { Browser, Page } from "playwright-core";
import { runAdmin } from "../../tools/admin.ts";
import { sectionHref, sectionsFor } from "../../web/routes/sections.tsx";
import { openStore, type User } from "../../web/store/mod.ts";
import { seedCalls, seedContacts, type SeedParty } from "../../web/store/testing/analytics-seed.ts";
import { launchChromium } from "../../web/testing/browser.ts";
import { dial, openPhone, type PhoneUser, waitForStatus } from "../../web/testing/phone-kit.ts";
import { startServer } from "../../web/testing/server.ts";

const DIR = Deno.args[0] ?? "/tmp/careflow-screens";
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const PASSWORD = "a long enough password";

async function shoot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${DIR}/${name}.png`, fullPage });
  console.log(`${DIR}/${name}.png`);
}

async function pair(browser: Browser, url: string, size: { width: number; height: number }) {
  const resize = async (user: PhoneUser) => {
    await user.page.setViewportSize(size);
    return user;
  };
  const ann = await resize(await openPhone(browser, url, "Ann Carer"));
  const bob = await resize(await openPhone(browser, url, "Bob Nurse"));
  return { ann, bob };
}

async function callStates(browser: Browser, url: string, label: keyof typeof SIZES) {
  const { ann, bob } = await pair(browser, url, SIZES[label]);
  await shoot(ann.page, `${label}-idle`);
  await dial(ann, bob);
  await waitForStatus(ann.page, /Ringing/i);
  await shoot(ann.page, `${label}-outgoing-ringing`);
  await shoot(bob.page, `${label}-incoming`);
  await bob.page.getByRole("button", { name: "Answer" }).click();
  await waitForStatus(ann.page, "Connected");
  await shoot(bob.page, `${label}-connected`);
  await bob.page.getByRole("button", { name: "Mute" }).click();
  await shoot(bob.page, `${label}-muted`);
  await bob.page.getByRole("button", { name: /Unmute/ }).click();
  await ann.page.getByRole("button", { name: "Hold" }).click();
  await shoot(ann.page, `${label}-on-hold`);
  await shoot(bob.page, `${label}-held-by-other`);
  await ann.page.getByRole("button", { name: /Resume|Unhold/ }).click();
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(bob.page, /ended/i);
  await shoot(ann.page, `${label}-ended`);
  // A call nobody answers, cancelled by the caller: what the callee is left with.
  await dial(bob, ann);
  await waitForStatus(bob.page, /Ringing/i);
  await bob.page.getByRole("button", { name: /Cancel|Hang up/ }).first().click();
  await ann.page.waitForTimeout(500);
  await shoot(ann.page, `${label}-missed`);
  await ann.context.close();
  await bob.context.close();
}

/** A callee whose microphone is blocked answers: the failed state on both sides. */
async function failedState(browser: Browser, url: string, label: keyof typeof SIZES) {
  const ann = await openPhone(browser, url, "Ann Carer");
  const bob = await openPhone(browser, url, "Bob Nurse", async (context) => {
    await context.addInitScript(`navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException("Permission denied", "NotAllowedError"));`);
  });
  for (const user of [ann, bob]) await user.page.setViewportSize(SIZES[label]);
  await dial(ann, bob);
  await bob.page.getByRole("button", { name: "Answer" }).click();
  await ann.page.getByText(/microphone is not available/).first().waitFor();
  await shoot(ann.page, `${label}-failed-caller`);
  await shoot(bob.page, `${label}-failed-callee`);
  await ann.context.close();
  await bob.context.close();
}

/** Signs up through the API in a context of its own (kept, signed in); its CareFlow party. */
async function signUp(browser: Browser, url: string, email: string, name: string) {
  const context = await browser.newContext();
  const response = await context.request.post(`${url}/api/auth/signup`, {
    data: { email, password: PASSWORD, displayName: name },
  });
  if (response.status() !== 201) throw new Error(`signup: ${await response.text()}`);
  const user = (await response.json()).user as { care4wId: string };
  return { context, care4wId: user.care4wId };
}

/**
 * An admin with colleagues and a fortnight of calls (the analytics seed, every status, outside
 * numbers and a withheld one): what Analytics, History and Admin look like in use.
 */
async function adminWithCalls(browser: Browser, url: string, dataDir: string) {
  const email = `dee-${crypto.randomUUID()}@example.org`;
  const dee = await signUp(browser, url, email, "Dee Manager");
  if (await runAdmin(["promote", email], { DATA_DIR: dataDir }, () => {}) !== 0) {
    throw new Error("promote failed");
  }
  const names = ["Bob Nurse", "Cat Physiotherapist", "Eve Night-Shift Coordinator"];
  const colleagues = await Promise.all(
    names.map((name) => signUp(browser, url, `${crypto.randomUUID()}@example.org`, name)),
  );
  const store = await openStore({ dataDir });
  try {
    const party = async (care4wId: string): Promise<SeedParty> => {
      const entry = (await store.findDirectoryEntry(care4wId))!;
      return { userId: entry.id, care4wId, phone: null, name: entry.displayName };
    };
    const contacts = [
      ...await Promise.all(colleagues.map((c) => party(c.care4wId))),
      ...seedContacts(0, 4),
    ];
    const calls = seedCalls({
      count: 80,
      me: await party(dee.care4wId),
      contacts,
      start: Date.now() - 14 * 86_400_000,
      days: 14,
    });
    for (const call of calls) {
      // Some measured, so History shows its audio marks.
      const quality = call.mode === "webrtc" && call.answeredAt
        ? { mos: 2 + (call.durationSeconds % 25) / 10, jitterMs: 12, lossPercent: 0.8 }
        : null;
      await store.insertCall({ ...call, quality });
    }
  } finally {
    await store.close();
  }
  // Signed-up colleagues have no tab (offline); Bob opens one, so History shows "Available".
  await colleagues[0].context.newPage().then((page) => page.goto(`${url}/dashboard`));
  await colleagues[1].context.close();
  await colleagues[2].context.close();
  // runAdmin wrote through its own connection: web's one-second read cache lets go of it.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  return { dee, bob: colleagues[0] };
}

/** Every section the admin's navigation has, as a whole page, at `label`'s size. */
async function sections(browser: Browser, url: string, dataDir: string) {
  const { dee, bob } = await adminWithCalls(browser, url, dataDir);
  const page = await dee.context.newPage();
  for (const label of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    await page.setViewportSize(SIZES[label]);
    for (const section of sectionsFor({ role: "admin" } as User)) {
      await page.goto(`${url}${sectionHref(section)}`);
      await page.getByRole("heading", { name: section.label, level: 1 }).first().waitFor();
      await page.waitForLoadState("networkidle");
      // Every island hydrated (and its first data fetched: networkidle above).
      await page.waitForFunction(() =>
        [...document.querySelectorAll("cf-island")].every((el) => el.hasAttribute("data-hydrated"))
      );
      const name = section.slug || "dialer";
      await shoot(page, `${label}-section-${name}`, true);
    }
  }
  await dee.context.close();
  await bob.context.close();
}

await Deno.mkdir(DIR, { recursive: true });
const server = await startServer();
const browser = await launchChromium({ media: true });
try {
  // Sections first: they need no call, so a call pass that fails still leaves them looked at.
  await sections(browser, server.url, server.dataDir);
  for (const label of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    await callStates(browser, server.url, label);
    await failedState(browser, server.url, label);
  }
} finally {
  await browser.close();
  await server.close();
}
