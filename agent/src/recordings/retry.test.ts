/**
 * Failures on the way are retried, counted, and end in one recording: an upload server that
 * fails the first three PUTs (a real HTTP server in front of web), an ffmpeg that fails twice.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { jobIdFor, recordingEventId } from "./job.ts";
import { callRecordStop } from "./testing/esl.ts";
import { play } from "./testing/media.ts";
import { failFirst, startProxy, type TestProxy } from "./testing/proxy.ts";
import { buildService, handOver, metricValue } from "./testing/service.ts";
import { createTestSpool, WAVS } from "./testing/spool.ts";
import { type KillableWeb, startKillableWeb, type WebPerson } from "../testing/web.ts";

let web: KillableWeb;
let ann: WebPerson, ben: WebPerson;
let proxy: TestProxy;
const spool = createTestSpool();
const bin = mkdtempSync(`${tmpdir()}/careflow-bin-`);

beforeAll(async () => {
  web = await startKillableWeb();
  [ann, ben] = [await web.signup("Ann"), await web.signup("Ben")];
  proxy = startProxy(web.url);
}, 90_000);

afterAll(async () => {
  proxy?.stop();
  await web?.stop();
  spool.remove();
  rmSync(bin, { recursive: true, force: true });
});

const uploads = (path: string) => (method: string, at: string) =>
  method === "PUT" && at === `/internal/recordings/${path}`;

test("an upload failing three times is retried with backoff until web has it", async () => {
  const path = spool.add(WAVS.stereo, "flaky-upload.wav");
  const id = recordingEventId(jobIdFor("flaky-upload.wav"), ann.care4wId);
  const failing = failFirst(3, uploads(id));
  proxy.setRule(failing);
  const t = buildService({ spoolDir: spool.dir, eventsUrl: web.url, webUrl: proxy.url });
  await t.service.start();
  try {
    await handOver(t, callRecordStop(path, ann.care4wId, ann.care4wId, ben.care4wId));
    expect(failing.failed()).toBe(3);
    const puts = proxy.seen.filter((r) => uploads(id)(r.method, r.path));
    expect(puts.map((r) => r.status)).toEqual([503, 503, 503, 204]);
    expect(
      await metricValue(t.registry, 'careflow_agent_recording_upload_failures_total{target="web"}'),
    )
      .toBe(3);
    expect(t.warnings.filter((line) => line.includes("retrying")).length).toBe(3);
    // One transcode: retries upload again, they do not transcode again.
    expect(await metricValue(t.registry, "careflow_agent_recording_transcode_seconds_count")).toBe(
      1,
    );
    const played = await play(web, ann, id);
    expect(played).toMatchObject({ status: 200, codec: "opus", channels: 2 });
    expect((await web.recordings(ann)).filter((r) => r.id === id).length).toBe(1);
    expect(existsSync(path)).toBe(false);
  } finally {
    await t.stop();
    proxy.setRule(null);
  }
}, 60_000);

test("a transcode failing twice is retried, counted, and ends in one recording", async () => {
  // A real process that fails twice, then is ffmpeg (named so ffprobe is still found on PATH).
  const counter = `${bin}/runs`;
  const script = `${bin}/flaky-ffmpeg.sh`;
  writeFileSync(
    script,
    `#!/bin/sh\nn=$(cat "${counter}" 2>/dev/null || echo 0)\necho $((n + 1)) > "${counter}"\n` +
      `if [ "$n" -lt 2 ]; then echo "injected failure" >&2; exit 1; fi\nexec ffmpeg "$@"\n`,
  );
  chmodSync(script, 0o755);
  const path = spool.add(WAVS.mono, "flaky-ffmpeg.wav");
  const t = buildService({ spoolDir: spool.dir, eventsUrl: web.url, ffmpegPath: script });
  await t.service.start();
  try {
    await handOver(t, callRecordStop(path, ben.care4wId, ann.care4wId, ben.care4wId));
    expect(await metricValue(t.registry, "careflow_agent_recording_transcode_failures_total")).toBe(
      2,
    );
    expect(t.warnings.filter((line) => line.includes("injected failure")).length).toBe(2);
    const id = recordingEventId(jobIdFor("flaky-ffmpeg.wav"), ben.care4wId);
    expect(await play(web, ben, id)).toMatchObject({ status: 200, codec: "opus", channels: 1 });
    expect(existsSync(path)).toBe(false);
  } finally {
    await t.stop();
  }
}, 60_000);
