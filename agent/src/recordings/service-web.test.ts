/**
 * The service against a real web (`deno run web/main.ts`), audio streamed to web's signed upload:
 * captured events in, recordings playable by their owners (and nobody else) out.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { eventually } from "../../../testing/eventually.ts";
import { jobIdFor, recordingEventId } from "./job.ts";
import { callRecordStop, captureEvents, recordingEvent } from "./testing/esl.ts";
import { play } from "./testing/media.ts";
import { buildService, handOver, metricValue, type ServiceUnderTest } from "./testing/service.ts";
import { createTestSpool, fixtureWav, WAVS } from "./testing/spool.ts";
import { type KillableWeb, startKillableWeb, type WebPerson } from "../testing/web.ts";

let web: KillableWeb;
let ann: WebPerson, ben: WebPerson, cat: WebPerson;
const spool = createTestSpool();
let t: ServiceUnderTest;

beforeAll(async () => {
  web = await startKillableWeb();
  [ann, ben, cat] = [await web.signup("Ann"), await web.signup("Ben"), await web.signup("Cat")];
  t = buildService({ spoolDir: spool.dir, eventsUrl: web.url });
  await t.service.start();
}, 90_000);

afterAll(async () => {
  await t?.stop();
  await web?.stop();
  spool.remove();
});

const jobsLeft = () => readdirSync(`${spool.dir}/.careflow/jobs`);
const workLeft = () => readdirSync(`${spool.dir}/.careflow/work`);

describe("recordings streamed to web", () => {
  test("a recorded call: one playable copy per owner, for that owner only", async () => {
    const path = spool.add(WAVS.stereo);
    const vars = {
      kind: "call" as const,
      path,
      recordFor: `${ann.care4wId},${ben.care4wId}`,
      caller: ann.care4wId,
      callee: ben.care4wId,
    };
    await handOver(
      t,
      recordingEvent("RECORD_STOP", vars),
      recordingEvent("CHANNEL_HANGUP_COMPLETE", vars), // the same recording again
    );

    const id = (user: WebPerson) => recordingEventId(jobIdFor(WAVS.stereo), user.care4wId);
    for (const owner of [ann, ben]) {
      const listed = await web.recordings(owner);
      expect(listed.map((r) => [r.id, r.type, r.status, r.format, r.duration])).toEqual([
        [id(owner), "call", "active", "ogg", 8],
      ]);
      expect(listed[0].callId).toBe("a0f09131-061f-488c-9341-e1e5bf65f760");
      const played = await play(web, owner, id(owner));
      expect(played.status).toBe(200);
      expect(played.contentType).toBe("audio/ogg");
      expect(new TextDecoder().decode(played.bytes.subarray(0, 4))).toBe("OggS");
      expect(played).toMatchObject({ codec: "opus", channels: 2 });
      expect(played.durationSeconds).toBeCloseTo(8.31, 1);
    }
    expect((await play(web, cat, id(ann))).status).toBe(404);
    expect((await play(web, ben, id(ann))).status).toBe(404);
    expect(await web.recordings(cat)).toEqual([]);

    expect(existsSync(path)).toBe(false);
    expect(jobsLeft()).toEqual([]);
    expect(workLeft()).toEqual([]);
    expect(t.sink.appended.map((e) => e.id)).toEqual([id(ann), id(ben)]);
    expect(await metricValue(t.registry, 'careflow_agent_recording_jobs_total{result="done"}'))
      .toBe(1);
    expect(await metricValue(t.registry, "careflow_agent_recording_transcode_seconds_count")).toBe(
      1,
    );
    expect(await metricValue(t.registry, "careflow_agent_recording_jobs_pending")).toBe(0);
  }, 60_000);

  test(
    "a voicemail known only from a hangup waits for its file to settle, then lands",
    async () => {
      const path = spool.add(WAVS.voicemail, "voicemail/default/msg_1.wav");
      const hangup = captureEvents("esl-plain-voicemail-deposit.txt")
        .filter((e) => e.name === "CHANNEL_HANGUP_COMPLETE").at(-1)!;
      await handOver(t, {
        ...hangup,
        headers: {
          ...hangup.headers,
          variable_careflow_recording: "voicemail",
          variable_careflow_recording_path: path,
          variable_careflow_voicemail_for: ben.care4wId,
          variable_careflow_caller: ann.care4wId,
        },
      });
      const id = recordingEventId(jobIdFor("voicemail/default/msg_1.wav"), ben.care4wId);
      const listed = await web.recordings(ben);
      expect(listed.find((r) => r.id === id)).toMatchObject({
        type: "voicemail",
        status: "active",
      });
      const played = await play(web, ben, id);
      expect(played).toMatchObject({ status: 200, codec: "opus", channels: 1 });
      expect(played.durationSeconds).toBeCloseTo(3.09, 1);
      expect(existsSync(path)).toBe(false);
    },
    60_000,
  );

  test("a recording web refuses for good is parked, counted, its WAV kept", async () => {
    const path = spool.add(WAVS.mono, "nobody.wav");
    // Recorded for care4w-9999999: nobody in web has this ID.
    t.esl.emit(callRecordStop(path, "care4w-9999999", ann.care4wId, ben.care4wId));
    const jobFile = `${spool.dir}/.careflow/jobs/${jobIdFor("nobody.wav")}.json`;
    await eventually("the job is parked", async () => {
      expect(await metricValue(t.registry, "careflow_agent_recording_jobs_parked")).toBe(1);
      // The queue counts it parked a moment before the job file says why: wait for both.
      expect(JSON.parse(readFileSync(jobFile, "utf8")).parked).toBeDefined();
    });
    expect(await metricValue(t.registry, "careflow_agent_recording_delivery_failures_total")).toBe(
      1,
    );
    expect(await metricValue(t.registry, 'careflow_agent_recording_jobs_total{result="parked"}'))
      .toBe(1);
    expect(t.service.pending()).toBe(0);
    expect(existsSync(path)).toBe(true);
    const job = JSON.parse(readFileSync(jobFile, "utf8"));
    expect(job.parked).toContain("nobody has the CareFlow ID care4w-9999999");
    expect(t.warnings.some((line) => line.includes("parked"))).toBe(true);
  }, 30_000);
});

describe("input from ESL that must not be trusted", () => {
  const outside = mkdtempSync(`${tmpdir()}/careflow-outside-`);
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  test("paths out of the spool, symlinks and non-WAVs are refused, and nothing is touched", async () => {
    copyFileSync(fixtureWav(WAVS.mono), `${outside}/secret.wav`);
    symlinkSync(`${outside}/secret.wav`, `${spool.dir}/link.wav`);
    writeFileSync(`${spool.dir}/fake.wav`, "#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n");
    const before = t.sink.appended.length;
    const refusedBefore = t.service.pending();
    for (
      const path of [
        `${spool.dir}/../${outside.split("/").pop()}/secret.wav`,
        `${outside}/secret.wav`,
        `${spool.dir}/link.wav`,
        `${spool.dir}/fake.wav`,
        `${spool.dir}/.careflow/jobs/x.wav`,
      ]
    ) {
      const admitted = await t.service.submit({
        path,
        kind: "call",
        owners: [ann.care4wId],
        caller: ann.care4wId,
        callee: ben.care4wId,
        callId: null,
        endedAt: new Date(),
        stopped: true,
        badOwners: 0,
      });
      expect(admitted.status).toBe("refused");
    }
    // The same through ESL: refused before any job exists.
    t.esl.emit(
      callRecordStop(`${spool.dir}/../../etc/passwd.wav`, ann.care4wId, ann.care4wId, ben.care4wId),
    );
    await eventually("the ESL refusal is counted", async () => {
      expect(
        await metricValue(
          t.registry,
          'careflow_agent_recording_refused_total{reason="not_normalized"}',
        ),
      )
        .toBe(2);
    });
    const refused = (reason: string) =>
      metricValue(t.registry, `careflow_agent_recording_refused_total{reason="${reason}"}`);
    expect(
      await Promise.all([
        refused("outside_spool"),
        refused("not_regular_file"),
        refused("not_wav"),
      ]),
    )
      .toEqual([1, 1, 1]);
    expect(await refused("hidden")).toBe(1);
    expect(t.service.pending()).toBe(refusedBefore);
    expect(t.sink.appended.length).toBe(before);
    expect(existsSync(`${outside}/secret.wav`)).toBe(true);
    expect(existsSync(`${spool.dir}/fake.wav`)).toBe(true);
  });
});
