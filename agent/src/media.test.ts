import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createAgent } from "./agent.ts";
import { testConfig } from "./testing/fixtures.ts";
import { startTestRedis, type TestRedis } from "./testing/redis-server.ts";

let redis: TestRedis;
let spoolDir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  spoolDir = mkdtempSync(`${tmpdir()}/careflow-media-spool-`);
});
afterAll(async () => {
  await redis.stop();
  rmSync(spoolDir, { recursive: true, force: true });
});

test("without FreeSWITCH, a spool or evapi the agent builds no media part at all", () => {
  const agent = createAgent(testConfig(redis.url));
  expect(agent.media.services).toEqual([]);
  expect(agent.media.outbox).toBeNull();
});

test("the configured media side starts in order and /metrics names every series it promises", async () => {
  const agent = createAgent(
    testConfig(redis.url, {
      webUrl: "http://127.0.0.1:9",
      freeswitch: { esl: { host: "127.0.0.1", port: 9, password: "esl-secret" }, cdrDir: null },
      kamailioEvapi: { host: "127.0.0.1", port: 9 },
      recordings: { spoolDir, mp3: false, ffmpegPath: "ffmpeg", greetingsDir: null },
    }),
    { warn: () => {} },
  );
  // The deliverer first (producers may append at once), the event socket last.
  expect(agent.media.services.map((service) => service.name)).toEqual([
    agent.media.outbox!.deliverer.name,
    agent.media.recordings!.name,
    agent.media.cdr!.name,
    agent.media.presence!.name,
    agent.media.esl!.name,
  ]);
  await agent.start();
  try {
    const metrics = await (await agent.app.request("/metrics")).text();
    for (
      const series of [
        "careflow_agent_esl_connected 0",
        "careflow_agent_esl_lag_seconds",
        "careflow_agent_esl_events_total",
        "careflow_agent_cdrs_built_total",
        "careflow_agent_outbox_depth",
        "careflow_agent_outbox_oldest_age_seconds",
        "careflow_agent_recording_transcode_seconds",
        "careflow_agent_recording_upload_failures_total",
        "careflow_agent_registrations",
      ]
    ) expect(metrics).toContain(series);
  } finally {
    await agent.stop();
  }
});

test("without FreeSWITCH, an agent beside Kamailio takes Kamailio's call records", async () => {
  const agent = createAgent(
    testConfig(redis.url, {
      webUrl: "http://127.0.0.1:9",
      kamailioEvapi: { host: "127.0.0.1", port: 9 },
    }),
    { warn: () => {} },
  );
  expect(agent.media.sipCalls).not.toBeNull();
  expect(agent.media.services.map((service) => service.name)).toEqual([
    agent.media.outbox!.deliverer.name,
    agent.media.sipCalls!.name,
    agent.media.presence!.name,
  ]);
  const metrics = await (await agent.app.request("/metrics")).text();
  expect(metrics).toContain('careflow_agent_sip_call_records_total{result="appended"} 0');
});
