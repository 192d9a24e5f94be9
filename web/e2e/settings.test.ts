/**
 * The seed's settings applied in real Chromium: ringtone and ringing notice off or on, the
 * microphone and its voice processing as chosen (getUserMedia's constraints, read by a wrapper
 * injected before the page's scripts), missed-call and voicemail notices off or on, times in the
 * user's zone and formats (set through the Settings form), and presence in the Dialer.
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium, watchErrors } from "../testing/browser.ts";
import {
  dial,
  openPhone,
  patchOwnSettings,
  type PhoneUser,
  waitForStatus,
} from "../testing/phone-kit.ts";
import { startServer } from "../testing/server.ts";
import { eventually } from "../../testing/eventually.ts";

/** Counts the page's AudioContexts (the ringtone makes one) and keeps getUserMedia's asks. */
const INSTRUMENT = `(() => {
  window.__audioContexts = 0;
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    constructor(...args) { super(...args); window.__audioContexts++; }
  };
  window.__constraints = [];
  const media = navigator.mediaDevices;
  const ask = media.getUserMedia.bind(media);
  media.getUserMedia = (constraints) => { window.__constraints.push(constraints); return ask(constraints); };
})()`;

/** Notifications allowed, the instrumentation in, before any page opens. */
const prepare = (base: string) => async (context: BrowserContext) => {
  await context.grantPermissions(["notifications"], { origin: base });
  await context.addInitScript(INSTRUMENT);
};

/** The page says it is in the background, as a tab behind another is. */
const hide = (page: Page) =>
  page.evaluate(() =>
    Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true })
  );

/** The titles of the notifications shown now. */
const notices = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/static/call-worker/");
    return ((await registration?.getNotifications()) ?? []).map((n) => n.title);
  });

// deno-lint-ignore no-explicit-any
const read = (page: Page, name: string) => page.evaluate((n) => (globalThis as any)[n], name);

/** Changes the user's settings through the API, as the Settings form does. */
async function patch(user: PhoneUser, base: string, body: unknown) {
  await patchOwnSettings(user, base, body);
  // The page reads settings as it loads: loaded again, it has these.
  await user.page.reload();
  await waitForStatus(user.page, "Ready");
}

/** The call card's chunk is in and the call worker ready (notices go through it). */
const workerReady = (page: Page) =>
  eventually(
    "the call worker is active",
    () =>
      page.evaluate(async () =>
        !!(await navigator.serviceWorker.getRegistration("/static/call-worker/"))?.active
      ),
  );

Deno.test("sound, incoming notices and the microphone follow the settings", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer", prepare(server.url));
    const bob = await openPhone(browser, server.url, "Bob Nurse", prepare(server.url));
    const errors = watchErrors(bob.page);
    await patch(bob, server.url, {
      notifications: { sound: false, incoming: false },
      audio: { inputDeviceId: "headset-7", echoCancellation: false, autoGainControl: false },
    });
    for (const user of [ann, bob]) await workerReady(user.page);
    await hide(bob.page);
    await hide(ann.page);

    // Bob turned both off: his phone rings silently, with no notice.
    await dial(ann, bob);
    await bob.page.getByTestId("caller-name").filter({ hasText: "Ann Carer" }).waitFor();
    await bob.page.waitForTimeout(1_500);
    assert.equal(await read(bob.page, "__audioContexts"), 0, "no ringtone");
    assert.deepEqual(await notices(bob.page), [], "no notice");
    await bob.page.getByRole("button", { name: "Answer", exact: true }).click();
    await waitForStatus(bob.page, "Connected");
    const [asked] = await read(bob.page, "__constraints") as MediaStreamConstraints[];
    assert.deepEqual(asked.audio, {
      deviceId: { ideal: "headset-7" },
      echoCancellation: false,
      noiseSuppression: true,
      autoGainControl: false,
    });
    await bob.page.getByRole("button", { name: "Hang up" }).click();
    await waitForStatus(ann.page, /Ready|ended/);

    // Ann kept the defaults: her phone rings aloud, with a notice.
    await bob.page.getByRole("button", { name: "Dismiss" }).click().catch(() => {});
    await dial(bob, ann);
    await ann.page.getByTestId("caller-name").filter({ hasText: "Bob Nurse" }).waitFor();
    await eventually(
      "Ann's ringtone plays",
      async () => (await read(ann.page, "__audioContexts")) as number > 0,
    );
    await eventually(
      "Ann is told",
      async () => (await notices(ann.page)).includes("Bob Nurse is calling"),
    );
    await ann.page.getByRole("button", { name: "Decline" }).click();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

/** Ann leaves a short message after her unanswered call `callId` (her fake microphone). */
function leaveMessage(ann: PhoneUser, callId: string) {
  return ann.page.evaluate(async (id) => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
    const parts: Blob[] = [];
    recorder.ondataavailable = (event) => parts.push(event.data);
    recorder.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await new Promise((resolve) => {
      recorder.onstop = resolve;
      recorder.stop();
    });
    const form = new FormData();
    form.append("callId", id);
    form.append("duration", "2");
    form.append("file", new Blob(parts, { type: "audio/webm" }), "message");
    return (await fetch("/api/voicemail", { method: "POST", body: form })).status;
  }, callId);
}

/** The last call of `user` as their history has it. */
async function lastCallId(user: PhoneUser, base: string): Promise<string> {
  const page = await (await user.context.request.get(`${base}/api/calls/history`)).json();
  return page.calls[0].id;
}

Deno.test("missed-call and voicemail notices come only for those who want them", async () => {
  const server = await startServer({ RING_TIMEOUT_SECONDS: "2" });
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const cat = await openPhone(browser, server.url, "Cat Helper", prepare(server.url));
    const bob = await openPhone(browser, server.url, "Bob Nurse", prepare(server.url));
    await patch(bob, server.url, { notifications: { missed: false, voicemail: false } });

    for (const callee of [cat, bob]) {
      await workerReady(callee.page);
      await hide(callee.page);
      await dial(ann, callee);
      await callee.page.getByTestId("end-reason").filter({ hasText: "Missed call from Ann" })
        .waitFor({ timeout: 15_000 });
      await waitForStatus(ann.page, /Ready|ended|answer/i);
      assert.equal(await leaveMessage(ann, await lastCallId(ann, server.url)), 201);
      await ann.page.reload();
      await waitForStatus(ann.page, "Ready");
    }
    await eventually(
      "Cat is told of the missed call and the message",
      async () => {
        const shown = await notices(cat.page);
        return shown.includes("Missed call from Ann Carer") &&
          shown.includes("New voicemail from Ann Carer");
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(
      (await cat.page.getByTestId("phone-missed").textContent())?.trim(),
      "1 missed call",
    );
    // Bob's watch has had as long as Cat's: nothing told, no reminder on the phone.
    await bob.page.waitForTimeout(6_000);
    assert.deepEqual(await notices(bob.page), []);
    assert.equal(await bob.page.getByTestId("phone-missed").count(), 0);
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("the Settings form sets times' zone and formats; the Dialer shows presence when shown", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse");
    const cat = await openPhone(browser, server.url, "Cat Helper");
    await patch(cat, server.url, { privacy: { showOnlineStatus: false } });

    await ann.page.getByLabel("Number or CareFlow ID").fill(bob.care4wId);
    await ann.page.getByTestId("presence-word").filter({ hasText: "Available" }).waitFor();
    await ann.page.getByLabel("Number or CareFlow ID").fill(cat.care4wId);
    await ann.page.getByTestId("callee-name").filter({ hasText: "Cat Helper" }).waitFor();
    assert.equal(await ann.page.getByTestId("presence").count(), 0, "Cat hides hers");
    assert.equal(await ann.page.getByTestId("presence-word").count(), 0, "all of it");
    await dial(ann, bob);
    await bob.page.getByRole("button", { name: "Decline" }).click();

    await bob.page.getByRole("link", { name: "Settings" }).click();
    const form = bob.page.getByTestId("preferences");
    await form.getByLabel("Time zone").selectOption("Asia/Kathmandu");
    await form.getByLabel("Dates").selectOption("YYYY-MM-DD");
    await form.getByLabel("Times").selectOption("24h");
    await form.getByRole("button", { name: "Save settings" }).click();
    await bob.page.getByTestId("preferences-said").filter({ hasText: "Settings saved." }).waitFor();

    await bob.page.getByRole("link", { name: /History/ }).click();
    const when = bob.page.getByTestId("history-table").locator("time").first();
    await when.waitFor();
    const iso = (await when.getAttribute("datetime"))!;
    const kathmandu = new Date(Date.parse(iso) + (5 * 60 + 45) * 60_000).toISOString();
    assert.equal(await when.textContent(), `${kathmandu.slice(0, 10)} ${kathmandu.slice(11, 16)}`);

    await bob.page.getByRole("link", { name: "Analytics" }).click();
    assert.equal(await bob.page.locator('select[name="tz"]').inputValue(), "Asia/Kathmandu");

    // Reset: the defaults again, in the form and on the server.
    await bob.page.getByRole("link", { name: "Settings" }).click();
    await form.getByRole("button", { name: "Reset to defaults" }).click();
    await bob.page.getByTestId("preferences-said").filter({ hasText: "defaults" }).waitFor();
    assert.equal(await form.getByLabel("Time zone").inputValue(), "local");
  } finally {
    await browser.close();
    await server.close();
  }
});

Deno.test("notifyOnRecord: a notice when the other side starts recording, only for those who want it", async () => {
  const server = await startServer();
  const browser = await launchChromium({ media: true });
  try {
    const ann = await openPhone(browser, server.url, "Ann Carer");
    const bob = await openPhone(browser, server.url, "Bob Nurse", prepare(server.url));
    const cat = await openPhone(browser, server.url, "Cat Helper", prepare(server.url));
    await patch(cat, server.url, { privacy: { notifyOnRecord: false } });
    for (const callee of [bob, cat]) {
      await workerReady(callee.page);
      await hide(callee.page);
      await dial(ann, callee);
      await callee.page.getByRole("button", { name: "Answer", exact: true }).click();
      await waitForStatus(ann.page, "Connected");
      await ann.page.getByRole("button", { name: "Record" }).click();
      // The call card always says so: consent does not depend on the setting.
      await callee.page.getByTestId("peer-recording").filter({ hasText: "Ann Carer is recording" })
        .waitFor();
      await callee.page.waitForTimeout(1_000);
      await ann.page.getByRole("button", { name: "Hang up" }).click();
      await waitForStatus(ann.page, "Ended");
    }
    assert.deepEqual(await notices(bob.page), ["Ann Carer is recording this call"]);
    assert.deepEqual(await notices(cat.page), []);
  } finally {
    await browser.close();
    await server.close();
  }
});
