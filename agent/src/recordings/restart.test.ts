/**
 * Killed in the middle (SIGKILL, a real process): the job file in the spool carries the job
 * across, the restarted service resumes at the stage it was in (no second transcode), and web
 * ends with exactly one recording, playable by its owner, the WAV gone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { eventually } from "../../../testing/eventually.ts";
import { startProcess } from "../../../testing/process.ts";
import { jobIdFor, recordingEventId, type RecordingJob } from "./job.ts";
import { callRecordStop } from "./testing/esl.ts";
import { play } from "./testing/media.ts";
import { holdWhile, startProxy } from "./testing/proxy.ts";
import { buildService, metricValue } from "./testing/service.ts";
import { createTestSpool, WAVS } from "./testing/spool.ts";
import { type KillableWeb, startKillableWeb, type WebPerson } from "../testing/web.ts";

const CHILD = new URL("./testing/child.ts", import.meta.url).pathname;
let web: KillableWeb;
let ann: WebPerson, ben: WebPerson;

beforeAll(async () => {
  web = await startKillableWeb();
  [ann, ben] = [await web.signup("Ann"), await web.signup("Ben")];
}, 90_000);
afterAll(async () => await web?.stop());

/**
 * Runs the service in a child until `holding` has held a request of the job and the job file
 * says `stage`, kills it, lets the held request go on (it was in flight), then resumes in a new
 * service and checks the result.
 */
async function killAndResume(hold: (method: string, path: string) => boolean) {
  const spool = createTestSpool();
  const path = spool.add(WAVS.stereo);
  const jobId = jobIdFor(WAVS.stereo);
  const jobFile = `${spool.dir}/.careflow/jobs/${jobId}.json`;
  const holding = holdWhile(hold);
  const proxy = startProxy(web.url, holding.rule);
  const event = callRecordStop(path, ann.care4wId, ann.care4wId, ben.care4wId);
  const child = startProcess("recordings-child", process.execPath, ["run", CHILD], {
    env: {
      CHILD_SPOOL: spool.dir,
      CHILD_EVENTS_URL: proxy.url,
      CHILD_WEB_URL: proxy.url,
      CHILD_EVENT: JSON.stringify(event),
    },
  });
  try {
    await child.waitFor("the job transcoded and its request held", () => {
      if (holding.held() === 0 || !existsSync(jobFile)) return Promise.resolve(false);
      const job = JSON.parse(readFileSync(jobFile, "utf8")) as RecordingJob;
      return Promise.resolve(job.transcoded !== undefined);
    }, 30_000);
    process.kill(child.pid, "SIGKILL");
    await child.exit;
  } finally {
    await child.stop();
  }
  // Left on disk: the job, its transcode, the WAV.
  expect(existsSync(path)).toBe(true);
  expect(readdirSync(`${spool.dir}/.careflow/work`)).toEqual([`${jobId}.ogg`]);
  holding.release(); // the request the dead process had sent reaches web late, or not at all

  const t = buildService({ spoolDir: spool.dir, eventsUrl: web.url });
  await t.service.start();
  try {
    expect(t.service.pending()).toBe(1);
    await t.service.idle();
    expect(await metricValue(t.registry, "careflow_agent_recording_transcode_seconds_count")).toBe(
      0,
    );
    const id = recordingEventId(jobId, ann.care4wId);
    await eventually("web has settled", async () => {
      const mine = (await web.recordings(ann)).filter((r) => r.id === id);
      expect(mine.map((r) => r.status)).toEqual(["active"]);
    });
    const played = await play(web, ann, id);
    expect(played).toMatchObject({ status: 200, codec: "opus", channels: 2 });
    expect(played.durationSeconds).toBeCloseTo(8.31, 1);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(`${spool.dir}/.careflow/jobs`)).toEqual([]);
    expect(readdirSync(`${spool.dir}/.careflow/work`)).toEqual([]);
  } finally {
    await t.stop();
    proxy.stop();
    spool.remove();
  }
  return recordingEventId(jobId, ann.care4wId);
}

describe("a restart in the middle", () => {
  test("killed after the transcode, before anything reached web: one recording", async () => {
    const id = await killAndResume((method, path) =>
      method === "POST" && path === "/internal/events"
    );
    expect((await web.recordings(ann)).filter((r) => r.id === id).length).toBe(1);
  }, 90_000);

  test("killed after web took the event, before the audio: one recording", async () => {
    const id = await killAndResume((method, path) =>
      method === "PUT" && path.startsWith("/internal/recordings/")
    );
    expect((await web.recordings(ann)).filter((r) => r.id === id).length).toBe(1);
  }, 90_000);
});
