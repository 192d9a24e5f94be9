/**
 * Greetings reach FreeSWITCH's folder through the real loop: a person uploads one to the real web
 * app, web pushes the new version to the real agent, the agent fetches the audio (signed) and
 * writes the 8 kHz mono WAV FreeSWITCH plays; replacing and removing follow, and what was pending
 * when the agent stopped is done by the next one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { eventually } from "../../../testing/eventually.ts";
import { type Agent, createAgent } from "../agent.ts";
import { Registry } from "../metrics/registry.ts";
import { probeFile } from "../recordings/testing/media.ts";
import { testConfig } from "../testing/fixtures.ts";
import { fixturePath } from "../testing/fixtures-path.ts";
import { startTestRedis, type TestRedis } from "../testing/redis-server.ts";
import { createGreetingSync } from "./sync.ts";
import { type KillableWeb, startKillableWeb, TEST_INTERNAL_SECRET } from "../testing/web.ts";

const STEREO = fixturePath("recordings", "cf-bridge-a0f09131-061f-488c-9341-e1e5bf65f760.wav");
const MONO = fixturePath(
  "recordings",
  "voicemail-1000-msg_15ca3a30-f290-4cb2-9968-8cce12ac959f.wav",
);

let redis: TestRedis;
let dir: string;
let agent: Agent;
let agentUrl: string;
let web: KillableWeb;

function agentFor(port: number) {
  return createAgent(
    testConfig(redis.url, {
      port,
      internalApiSecret: TEST_INTERNAL_SECRET,
      webUrl: web?.url ?? "http://127.0.0.1:9",
      recordings: { spoolDir: null, mp3: false, ffmpegPath: "ffmpeg", greetingsDir: dir },
    }),
    { warn: () => {} },
  );
}

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(`${tmpdir()}/careflow-greetings-`);
  // The agent's port must be known before web starts; web's URL before the agent fetches.
  const probe = agentFor(0);
  const address = await probe.start();
  await probe.stop();
  agentUrl = address.url;
  web = await startKillableWeb({ agentUrl });
  agent = agentFor(address.port);
  await agent.start();
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  await web?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(
  "an uploaded greeting becomes the WAV FreeSWITCH plays; a new one replaces it; removal removes it",
  async () => {
    const ann = await web.signup("Ann");
    const wav = `${dir}/${ann.care4wId}.wav`;
    expect(await web.greeting(ann, readFileSync(STEREO))).toBe(204);
    await eventually("Ann's greeting in FreeSWITCH's folder", () => existsSync(wav));
    expect(await probeFile(wav)).toMatchObject({ codec: "pcm_s16le", channels: 1 });
    expect((await probeFile(wav)).durationSeconds).toBeCloseTo(8.31, 1);

    expect(await web.greeting(ann, readFileSync(MONO))).toBe(204);
    await eventually("the new greeting", async () => {
      return Math.abs((await probeFile(wav)).durationSeconds - 3.09) < 0.05;
    });

    expect(await web.greeting(ann, null)).toBe(204);
    await eventually("the greeting removed", () => !existsSync(wav));
    // Counted once the removal is done, a moment after the file is gone.
    await eventually(
      "the removal counted",
      async () =>
        (await (await agent.app.request("/metrics")).text()).includes(
          'careflow_agent_greeting_syncs_total{result="removed"} 1',
        ),
    );
  },
  60_000,
);

test("what was pending when the agent stopped is done by the next one", async () => {
  const bob = await web.signup("Bob");
  const wav = `${dir}/${bob.care4wId}.wav`;
  await agent.stop();
  // Web's push does not reach the stopped agent; what the agent had noted before stopping will.
  expect(await web.greeting(bob, readFileSync(MONO))).toBe(204);
  writeFileSync(`${dir}/.careflow/${bob.care4wId}.pending`, await currentVersion(bob.care4wId));
  const next = createGreetingSync({
    dir,
    webUrl: web.url,
    secret: TEST_INTERNAL_SECRET,
    ffmpegPath: "ffmpeg",
    registry: new Registry(),
    warn: () => {},
  });
  await next.start();
  try {
    await next.idle();
    expect(existsSync(wav)).toBe(true);
    expect((await probeFile(wav)).durationSeconds).toBeCloseTo(3.09, 1);
    expect(existsSync(`${dir}/.careflow/${bob.care4wId}.pending`)).toBe(false);
  } finally {
    await next.stop();
  }
}, 60_000);

/** The greeting version web serves for `care4wId` (its signed internal endpoint says it). */
async function currentVersion(care4wId: string): Promise<string> {
  const { signRequest } = await import("../../../shared/signing.ts");
  const path = `/internal/greetings/${care4wId}`;
  const response = await fetch(web.url + path, {
    headers: signRequest({ secret: TEST_INTERNAL_SECRET, method: "GET", path, body: "" }),
  });
  await response.body?.cancel();
  return response.headers.get("x-careflow-greeting")!;
}
