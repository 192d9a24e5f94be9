/**
 * Recording a browser-to-browser call, for real in Chromium: both sides see it is recorded, the
 * recording plays (and seeks) for its owner and is a 404 for the other party; a refused recording
 * leaves no file on disk; and a caller whose call went unanswered leaves a voicemail that lands,
 * unread and playable, in the callee's box.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { eventually } from "../../testing/eventually.ts";
import { launchChromium } from "../testing/browser.ts";
import {
  connectCall,
  dial,
  openPhone,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { type RunningServer, startServer } from "../testing/server.ts";

/** The user's recordings through the API, as their browser would fetch them. */
async function recordings(user: PhoneUser, base: string, query = "") {
  const response = await user.context.request.get(`${base}/api/recordings${query}`);
  return (await response.json()) as {
    recordings: {
      id: string;
      status: string;
      duration: number;
      fileSize: number;
      isListened: boolean;
      type: string;
      otherParty: { care4wId: string };
    }[];
    unlistenedVoicemail: number;
  };
}

/** Plays `src` in the page; resolves once it has played, and seeks to `seekTo` seconds. */
function playIn(page: Page, src: string, seekTo: number) {
  return page.evaluate(async ({ src, seekTo }) => {
    const audio = new Audio(src);
    audio.muted = true;
    await audio.play();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const played = audio.currentTime;
    audio.currentTime = seekTo;
    await new Promise((resolve) => audio.addEventListener("seeked", resolve, { once: true }));
    return { played, after: audio.currentTime, ready: audio.readyState, error: audio.error?.code };
  }, { src, seekTo });
}

async function recordedCall(server: RunningServer, browser: Browser) {
  const ann = await openPhone(browser, server.url, "Ann Carer");
  const bob = await openPhone(browser, server.url, "Bob Nurse");
  await connectCall(ann, bob);
  await ann.page.getByRole("button", { name: "Record" }).click();
  await ann.page.getByTestId("recording-indicator").filter({ hasText: /Recording/ }).waitFor();
  await bob.page.getByTestId("peer-recording").filter({ hasText: "Ann Carer is recording" })
    .waitFor();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await waitForStatus(ann.page, "Ended: Call ended");
  let id = "";
  await eventually("the recording to be saved", async () => {
    const [recording] = (await recordings(ann, server.url)).recordings;
    id = recording?.status === "active" ? recording.id : "";
    return id !== "" && recording.duration >= 3 && recording.fileSize > 1000;
  });
  const src = `${server.url}/api/recordings/${id}/media`;
  const playback = await playIn(ann.page, src, 2);
  assert.ok(playback.played > 0.3, `it plays (${playback.played} s)`);
  assert.equal(playback.error, undefined);
  assert.ok(playback.ready >= 2, `it seeks (readyState ${playback.ready})`);
  assert.equal((await bob.context.request.get(src)).status(), 404, "not the other party's");
  const history = await (await ann.context.request.get(`${server.url}/api/calls/history`)).json();
  assert.equal(history.calls[0].recordedBy, ann.care4wId, "the history says who recorded");
  await ann.context.close();
  await bob.context.close();
}

async function refusedRecording(server: RunningServer, browser: Browser) {
  const ann = await openPhone(browser, server.url, "Ann Carer");
  const bob = await openPhone(browser, server.url, "Bob Nurse");
  await connectCall(ann, bob);
  // Bob refuses while Ann's recording is still opening its upload (slow, as on a busy server):
  // what started must be thrown away, not kept.
  await ann.page.route("**/api/recordings", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await ann.page.getByRole("button", { name: "Record" }).click();
  await bob.page.getByTestId("peer-recording").getByRole("button", { name: "Refuse" }).click();
  await ann.page.getByTestId("recording-notice").filter({ hasText: /did not agree/ }).waitFor();
  await ann.page.getByTestId("recording-indicator").waitFor({ state: "detached" });
  await ann.page.getByRole("button", { name: "Hang up" }).click();
  await eventually("the refused recording to be deleted", async () => {
    const deleted = (await recordings(ann, server.url, "?status=deleted")).recordings;
    return deleted.length === 1 && deleted[0].fileSize === 0;
  });
  const { recordings: [refused] } = await recordings(ann, server.url, "?status=deleted");
  const owner = (await (await ann.context.request.get(`${server.url}/api/me`)).json()).user.id;
  const folder = `${server.dataDir}/recordings/rec/${owner}/${refused.id}`;
  const left = await Deno.stat(folder).then(() => true, () => false);
  assert.equal(left, false, "no file of the refused recording is kept");
  await ann.context.close();
  await bob.context.close();
}

async function voicemail(server: RunningServer, browser: Browser) {
  const ann = await openPhone(browser, server.url, "Ann Carer");
  const bob = await openPhone(browser, server.url, "Bob Nurse");
  await bob.page.close();
  await dial(ann, bob);
  await waitForStatus(ann.page, "Ended: Not available right now");
  const offer = ann.page.getByTestId("leave-voicemail");
  await offer.getByRole("button", { name: "Leave a voicemail" }).click();
  await offer.getByText("Recording your message").waitFor();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await offer.getByRole("button", { name: "Stop and send" }).click();
  await offer.getByText("is in their voicemail").waitFor();

  const box = await recordings(bob, server.url, "?type=voicemail");
  assert.equal(box.unlistenedVoicemail, 1);
  const [message] = box.recordings;
  assert.equal(message.isListened, false);
  assert.equal(message.otherParty.care4wId, ann.care4wId);
  const page = await bob.context.newPage();
  await page.goto(`${server.url}/dashboard`);
  const playback = await playIn(page, `${server.url}/api/recordings/${message.id}/media`, 0.5);
  assert.ok(playback.played > 0.3, `the message plays (${playback.played} s)`);
  await ann.context.close();
  await bob.context.close();
}

Deno.test("recordings of browser calls: consent on both sides, owner-only playback, voicemail", async (t) => {
  const server = await startServer();
  const browser = await launchChromium({ media: true }).catch(async (error) => {
    await server.close();
    throw error;
  });
  try {
    await t.step(
      "a recorded call plays and seeks for its owner, 404 for the other",
      () => recordedCall(server, browser),
    );
    await t.step(
      "a refused recording stops at once and leaves no file",
      () => refusedRecording(server, browser),
    );
    await t.step(
      "a voicemail left after an unanswered call lands unread and plays",
      () => voicemail(server, browser),
    );
  } finally {
    await browser.close();
    await server.close();
  }
});
