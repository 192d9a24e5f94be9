/**
 * Screenshots of each call state and each section, at 1280x800 and 390x844, for a person to look
 * at (`deno run -A bench/dashboard/screenshots.ts [dir]`, default /tmp/careflow-screens): two real
 * Chromium contexts call each other through the real app; nothing is asserted here.
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../web/testing/browser.ts";
import { dial, openPhone, type PhoneUser, waitForStatus } from "../../web/testing/phone-kit.ts";
import { startServer } from "../../web/testing/server.ts";

const DIR = Deno.args[0] ?? "/tmp/careflow-screens";
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const SECTIONS = ["History", "Recordings", "Voicemail", "Analytics", "Settings"];

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${DIR}/${name}.png` });
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
  for (const section of SECTIONS) {
    const link = ann.page.getByRole("link", { name: section, exact: true }).first();
    if (await link.count() === 0) continue;
    await link.click();
    await ann.page.getByRole("heading", { name: section }).first().waitFor();
    await shoot(ann.page, `${label}-section-${section.toLowerCase()}`);
  }
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

await Deno.mkdir(DIR, { recursive: true });
const server = await startServer();
const browser = await launchChromium({ media: true });
try {
  for (const label of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    await callStates(browser, server.url, label);
    await failedState(browser, server.url, label);
  }
} finally {
  await browser.close();
  await server.close();
}
