/** The service's lifecycle without a web: what it takes up at start, counts, and lets go. */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { eventually } from "../../../testing/eventually.ts";
import { Registry } from "../metrics/registry.ts";
import { testConfig } from "../testing/fixtures.ts";
import { jobIdFor, type RecordingJob } from "./job.ts";
import { createRecordingService } from "./service.ts";
import { buildService, metricValue } from "./testing/service.ts";
import { createTestSpool, WAVS } from "./testing/spool.ts";

const spool = createTestSpool();
afterAll(() => spool.remove());
// Nothing listens there: these tests never get as far as web.
const NOWHERE = "http://127.0.0.1:9";

test("no spool, no service; a spool without anywhere to upload is a configuration error", () => {
  const sink = { append: () => Promise.resolve(), delivered: () => Promise.resolve() };
  const deps = { esl: null, sink, registry: new Registry() };
  expect(createRecordingService(testConfig("redis://127.0.0.1:1"), deps)).toBeNull();
  const config = testConfig("redis://127.0.0.1:1", {
    recordings: { spoolDir: spool.dir, mp3: false, ffmpegPath: "ffmpeg", greetingsDir: null },
  });
  expect(() => createRecordingService(config, deps)).toThrow(/object store .* or WEB_URL/);
});

test("at start: jobs on disk are taken up, WAVs no job names are counted; stop lets go", async () => {
  spool.add(WAVS.mono, "orphan.wav");
  spool.add(WAVS.stereo, "calls/with-job.wav");
  const job: RecordingJob = {
    version: 1,
    id: jobIdFor("calls/with-job.wav"),
    wav: "calls/with-job.wav",
    kind: "call",
    owners: ["care4w-1000001"],
    caller: "care4w-1000001",
    callee: { phone: "+15551234567" },
    callId: null,
    endedAt: new Date().toISOString(),
    createdAt: new Date(Date.now() - 90_000).toISOString(),
    stopped: true,
    done: [],
  };
  mkdirSync(`${spool.dir}/.careflow/jobs`, { recursive: true });
  writeFileSync(`${spool.dir}/.careflow/jobs/${job.id}.json`, JSON.stringify(job));
  writeFileSync(`${spool.dir}/.careflow/jobs/${"0".repeat(24)}.json`, "{not json");

  const t = buildService({ spoolDir: spool.dir, eventsUrl: NOWHERE });
  await t.service.start();
  try {
    expect(t.service.pending()).toBe(1);
    expect(await metricValue(t.registry, "careflow_agent_recording_jobs_pending")).toBe(1);
    expect(await metricValue(t.registry, "careflow_agent_recording_oldest_pending_seconds"))
      .toBeGreaterThanOrEqual(90);
    expect(await metricValue(t.registry, "careflow_agent_recording_orphan_wavs")).toBe(1);
    expect(t.warnings.some((line) => line.includes("unreadable recording job file"))).toBe(true);
    expect(t.esl.listeners()).toBe(1);
    spool.add(WAVS.voicemail, "missed-while-away.wav");
    t.esl.connected(); // a reconnection: what was missed meanwhile shows up
    await Bun.sleep(200);
    expect(await metricValue(t.registry, "careflow_agent_recording_orphan_wavs")).toBe(2);
    const text = await t.registry.render();
    expect(text).toContain("# TYPE careflow_agent_recording_jobs_pending gauge");
    expect(text).toContain("# TYPE careflow_agent_recording_transcode_seconds histogram");
    // The job goes on to wait for web, which never answers; stopping does not wait for it.
    await eventually("the job waits for web", async () => {
      expect(await metricValue(t.registry, "careflow_agent_recording_transcode_seconds_count"))
        .toBe(1);
      expect(t.sink.appended.length).toBe(1);
    });
  } finally {
    const started = performance.now();
    await t.stop();
    expect(performance.now() - started).toBeLessThan(1000);
  }
  expect(t.esl.listeners()).toBe(0);
  expect(t.service.pending()).toBe(1); // still on disk for the next start
});
