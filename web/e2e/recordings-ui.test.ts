/**
 * The Recordings and Voicemail sections in Chromium against the real server: play and seek (with
 * HTTP ranges), notes that persist, delete; a voicemail left after an unanswered call, unread until
 * played; the greeting recorded with the (fake) microphone; the recording settings.
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { Buffer } from "node:buffer";
import type { BrowserContext, Page } from "playwright-core";
import { wavBytes } from "../recordings/testing/audio.ts";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import { startServer } from "../testing/server.ts";

/** Signs up through the API in `context` (its cookies are the page's); resolves with the ID. */
async function signUp(context: BrowserContext, base: string, email: string, displayName: string) {
  const response = await context.request.post(`${base}/api/auth/signup`, {
    data: { email, displayName, password: "a long enough password" },
  });
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()).user.care4wId as string;
}

const wavFile = (name: string, seconds: number) => ({
  name,
  mimeType: "audio/wav",
  buffer: Buffer.from(wavBytes(seconds)),
});

/** Starts playback of the page's `index`th audio element (muted: no autoplay gesture needed). */
function play(page: Page, index = 0) {
  return page.locator("audio").nth(index).evaluate((audio: HTMLAudioElement) => {
    audio.muted = true;
    return audio.play();
  });
}

/** The nav badge's text, or null when there is none. */
async function badge(page: Page): Promise<string | null> {
  const found = page.locator('a[href="/dashboard/voicemail"] [data-testid="nav-badge"]');
  return await found.count() ? await found.textContent() : null;
}

Deno.test("a recording is listed, played and seeked, noted, archived and deleted on a phone", async () => {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signUp(context, server.url, "ann@example.org", "Ann Carer");
    const uploaded = await context.request.post(`${server.url}/api/recordings/upload`, {
      headers: { origin: server.url },
      multipart: { type: "call", duration: "3", file: wavFile("a.wav", 3) },
    });
    assert.equal(uploaded.status(), 201, await uploaded.text());

    await page.goto(`${server.url}/dashboard/recordings`);
    const item = page.getByTestId("recording-item");
    await item.waitFor();
    const text = await item.textContent() ?? "";
    assert.match(text, /Recorded by you/);
    assert.match(text, /Ann Carer/);
    assert.equal(await item.getByTestId("recording-duration").textContent(), "3s");
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth) <= 390,
      "nothing wider than the phone's screen",
    );

    await play(page);
    await page.waitForFunction(() => document.querySelector("audio")!.currentTime > 0.3);
    await page.locator("audio").evaluate((audio: HTMLAudioElement) => {
      audio.pause();
      audio.currentTime = 2;
    });
    await page.waitForFunction(() => {
      const audio = document.querySelector("audio")!;
      return !audio.seeking && Math.abs(audio.currentTime - 2) < 0.1 && audio.readyState >= 2;
    });

    await item.getByRole("button", { name: "Access trail" }).click();
    const trail = item.getByTestId("access-trail");
    await trail.waitFor();
    assert.match(await trail.textContent() ?? "", /Played.*You/s);

    await item.getByRole("button", { name: "Edit notes and tags" }).click();
    await item.getByLabel("Notes").fill("Discussed the care plan.");
    await item.getByLabel("Tags, separated by commas").fill("family, urgent, family");
    await item.getByRole("button", { name: "Save notes" }).click();
    await item.getByText("Discussed the care plan.").waitFor();
    await page.reload();
    await page.getByTestId("recording-notes").getByText("Discussed the care plan.").waitFor();
    const tags = page.getByRole("list", { name: "Tags" }).getByRole("listitem");
    assert.deepEqual(await tags.allTextContents(), ["family", "urgent"]);

    await page.getByRole("button", { name: /^Archive/ }).click();
    await page.getByTestId("recording-item").getByText("Archived", { exact: true }).waitFor();
    await page.getByLabel("Status").selectOption("active");
    await page.getByTestId("recordings-empty").getByText("No recordings match").waitFor();
    await page.getByLabel("Status").selectOption("archived");
    await page.getByRole("button", { name: /^Unarchive/ }).click();
    await page.getByTestId("recordings-empty").waitFor();
    await page.getByLabel("Status").selectOption("");

    await page.getByRole("button", { name: /^Delete/ }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.getByTestId("recordings-notice").getByText(/purged for good on/).waitFor();
    await page.getByTestId("recordings-empty").getByText("No recordings yet").waitFor();
    await eventually(
      "the keyboard carries on from the list's heading, not the top of the page",
      async () => (await page.evaluate(() => document.activeElement?.id)) === "recordings-title",
      { timeoutMs: 2_000 },
    );
    await page.reload();
    await page.getByTestId("recordings-empty").waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

/** Calls `to` from `page` over the signaling socket while they are offline: a call left unanswered. */
function unansweredCall(page: Page, to: string) {
  return page.evaluate(async (callee) => {
    const callId = crypto.randomUUID();
    const url = `${location.origin.replace(/^http/, "ws")}/api/signal?tab=${crypto.randomUUID()}`;
    const socket = new WebSocket(url);
    const frames: Record<string, unknown>[] = [];
    const next = (type: string) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const check = () => frames.find((frame) => frame.type === type || frame.type === "error");
        socket.addEventListener("message", () => check() && resolve(check()!));
      });
    socket.addEventListener("message", (event) => frames.push(JSON.parse(event.data)));
    await next("presence");
    socket.send(JSON.stringify({ type: "invite", callId, to: callee }));
    const ended = await next("ended");
    socket.close();
    return { callId, ended };
  }, to);
}

Deno.test("a voicemail arrives unread, playing it marks it read; greeting and settings are saved", async () => {
  const server = await startServer({ RETENTION_DAYS_MIN: "7", RETENTION_DAYS_MAX: "400" });
  const browser = await launchChromium({ media: true });
  try {
    const annContext = await browser.newContext();
    const bobContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await signUp(annContext, server.url, "ann@example.org", "Ann Carer");
    const bobId = await signUp(bobContext, server.url, "bob@example.org", "Bob Nurse");
    const ann = await annContext.newPage();
    await ann.goto(`${server.url}/dashboard/history`);
    const { callId, ended } = await unansweredCall(ann, bobId);
    assert.deepEqual(ended, { type: "ended", callId, reason: "unavailable" });
    const left = await annContext.request.post(`${server.url}/api/voicemail`, {
      headers: { origin: server.url },
      multipart: { callId, duration: "2", file: wavFile("message.wav", 2) },
    });
    assert.equal(left.status(), 201, await left.text());

    const bob = await bobContext.newPage();
    const errors = watchErrors(bob);
    await bob.goto(`${server.url}/dashboard/voicemail`);
    const message = bob.getByTestId("voicemail-item");
    await message.waitFor();
    assert.equal(await message.getAttribute("data-unread"), "true");
    assert.match(await message.textContent() ?? "", /New.*Ann Carer.*Not listened to yet/s);
    await bob.getByTestId("voicemail-unread").getByText("1 unread").waitFor();
    assert.match(await badge(bob) ?? "", /^1\s*\(1 unread\)$/);

    const marked = bob.waitForResponse((r) => r.request().method() === "PATCH" && r.ok());
    await play(bob);
    await marked;
    await bob.locator('[data-testid="voicemail-item"][data-unread="false"]').waitFor();
    await bob.getByText("All messages listened to.").waitFor();
    await bob.reload();
    await message.getByText("Listened", { exact: true }).waitFor();
    assert.equal(await badge(bob), null, "no badge once listened to");
    assert.equal(
      await message.getByRole("link", { name: "Call back Ann Carer" }).getAttribute("href"),
      "/dashboard?dial=care4w-1000001",
    );
    await message.getByRole("button", { name: /^Mark unread/ }).click();
    await bob.locator('[data-testid="voicemail-item"][data-unread="true"]').waitFor();
    await bob.reload();
    assert.match(await badge(bob) ?? "", /^1/, "unread again");

    const greeting = bob.getByTestId("greeting");
    await greeting.getByText("No greeting set").waitFor();
    await greeting.getByRole("button", { name: "Record a greeting" }).click();
    await greeting.getByText(/Recording… [1-9]s/).waitFor();
    await greeting.getByRole("button", { name: "Stop recording" }).click();
    await greeting.getByTestId("greeting-draft").getByText("Your new recording").waitFor();
    await greeting.getByRole("button", { name: "Save greeting" }).click();
    await greeting.getByText("A greeting is set.").waitFor();
    const saved = await bobContext.request.get(`${server.url}/api/voicemail/greeting`);
    assert.equal(saved.headers()["content-type"], "audio/webm", "MediaRecorder's WebM/Opus");
    await greeting.getByLabel("Or upload an audio file").setInputFiles(wavFile("hello.wav", 1));
    await greeting.getByText("The file you chose").waitFor();
    await greeting.getByRole("button", { name: "Save greeting" }).click();
    await greeting.getByText("Greeting saved.").waitFor();
    const heard = await annContext.request.get(`${server.url}/api/voicemail/calls/${callId}`);
    assert.deepEqual(await heard.json(), { calleeName: "Bob Nurse", hasGreeting: true });
    await greeting.getByRole("button", { name: "Remove greeting" }).click();
    await greeting.getByText("No greeting set").waitFor();

    await bob.goto(`${server.url}/dashboard/settings`);
    const settings = bob.getByTestId("recording-settings");
    await settings.getByLabel("Record my calls").check();
    await settings.getByText("Your calls will be recorded.").waitFor();
    await settings.getByLabel("Keep recordings for (days)").fill("5");
    await settings.getByRole("button", { name: "Save" }).click();
    await settings.getByRole("alert").getByText("Choose a whole number of days from 7 to 400.")
      .waitFor();
    await settings.getByLabel("Keep recordings for (days)").fill("30");
    await settings.getByRole("button", { name: "Save" }).click();
    await settings.getByText("kept for 30 days").waitFor();
    await bob.reload();
    assert.equal(await settings.getByLabel("Record my calls").isChecked(), true);
    assert.equal(await settings.getByLabel("Keep recordings for (days)").inputValue(), "30");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
