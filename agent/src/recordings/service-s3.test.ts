/**
 * The object-store path against a real local S3 (s3rver) that web reads from too: the agent
 * writes each owner's copy exactly where web looks for the event's `objectKey`, asks for
 * server-side encryption (seen on the wire, through a proxy: s3rver ignores the header), and the
 * owner plays it through web's API (a redirect to a presigned URL).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, readdirSync } from "node:fs";
import { type LocalS3, startLocalS3 } from "../../../testing/s3.ts";
import { eventually } from "../../../testing/eventually.ts";
import { jobIdFor, objectKeyFor, recordingEventId } from "./job.ts";
import { callRecordStop } from "./testing/esl.ts";
import { play, probeBytes } from "./testing/media.ts";
import { startProxy, type TestProxy } from "./testing/proxy.ts";
import { buildService, handOver, metricValue } from "./testing/service.ts";
import { createTestSpool, WAVS } from "./testing/spool.ts";
import { type KillableWeb, startKillableWeb, type WebPerson } from "../testing/web.ts";
import { createS3Client } from "./upload.ts";

let s3: LocalS3;
let web: KillableWeb;
let proxy: TestProxy;
let ann: WebPerson, ben: WebPerson;
const spool = createTestSpool();

beforeAll(async () => {
  s3 = await startLocalS3({ bucket: "recordings" });
  web = await startKillableWeb({ store: s3 });
  proxy = startProxy(s3.endpoint);
  [ann, ben] = [await web.signup("Ann"), await web.signup("Ben")];
}, 90_000);

afterAll(async () => {
  proxy?.stop();
  await web?.stop();
  await s3?.stop();
  spool.remove();
});

test("each owner's copy lands in the shared store, encrypted, and plays through web", async () => {
  const settings = {
    endpoint: proxy.url,
    region: "us-east-1",
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  };
  const t = buildService({
    spoolDir: spool.dir,
    eventsUrl: web.url,
    objectStore: settings,
    mp3: true,
  });
  await t.service.start();
  const path = spool.add(WAVS.stereo);
  try {
    const owners = `${ann.care4wId},${ben.care4wId}`;
    await handOver(t, callRecordStop(path, owners, ann.care4wId, ben.care4wId));

    const direct = createS3Client({ ...settings, endpoint: s3.endpoint });
    for (const owner of [ann, ben]) {
      const id = recordingEventId(jobIdFor(WAVS.stereo), owner.care4wId);
      const key = objectKeyFor(owner.care4wId, id, "ogg");
      const event = t.sink.appended.find((e) => e.id === id)!;
      expect(event).toMatchObject({ type: "recording", recording: { objectKey: key } });

      // On the wire: a PutObject per format and owner, asking for SSE, with the right type.
      for (const [format, type] of [["ogg", "audio/ogg"], ["mp3", "audio/mpeg"]]) {
        const puts = proxy.seen.filter((r) =>
          r.method === "PUT" &&
          r.path.startsWith(`/${s3.bucket}/${objectKeyFor(owner.care4wId, id, format as "ogg")}`)
        );
        expect(puts.length).toBe(1);
        expect(puts[0].headers["x-amz-server-side-encryption"]).toBe("AES256");
        expect(puts[0].headers["content-type"]).toBe(type);
        expect(puts[0].status).toBe(200);
      }
      const head = await direct.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      const mp3 = await direct.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: objectKeyFor(owner.care4wId, id, "mp3") }),
      );
      const mp3Probe = await probeBytes(await mp3.Body!.transformToByteArray());
      expect(mp3Probe).toMatchObject({ codec: "mp3", channels: 2 });

      // Web took the object as it is: active at once, its size, playable by the owner.
      const listed = (await web.recordings(owner)).find((r) => r.id === id)!;
      expect(listed).toMatchObject({
        status: "active",
        format: "ogg",
        fileSize: head.ContentLength,
      });
      const played = await play(web, owner, id);
      expect(played.redirected).toBe(true);
      expect(played).toMatchObject({ status: 200, codec: "opus", channels: 2 });
      expect(played.bytes.length).toBe(head.ContentLength!);
      expect(played.durationSeconds).toBeCloseTo(8.31, 1);
    }
    const annId = recordingEventId(jobIdFor(WAVS.stereo), ann.care4wId);
    expect((await web.media(ben, annId)).status).toBe(404);
    direct.destroy();

    expect(existsSync(path)).toBe(false);
    expect(readdirSync(`${spool.dir}/.careflow/work`)).toEqual([]);
    expect(
      await metricValue(t.registry, 'careflow_agent_recording_upload_failures_total{target="s3"}'),
    )
      .toBe(0);
  } finally {
    await t.stop();
  }
}, 60_000);

test(
  "an object store that is down is retried and counted; the job finishes once it is back",
  async () => {
    const down = startProxy(s3.endpoint, () => new Response("down", { status: 503 }));
    const t = buildService({
      spoolDir: spool.dir,
      eventsUrl: web.url,
      objectStore: {
        endpoint: down.url,
        region: "us-east-1",
        bucket: s3.bucket,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: true,
      },
    });
    await t.service.start();
    const path = spool.add(WAVS.mono, "s3-down.wav");
    try {
      t.esl.emit(callRecordStop(path, ann.care4wId, ann.care4wId, ben.care4wId));
      await eventually("upload failures are counted", async () => {
        expect(
          await metricValue(
            t.registry,
            'careflow_agent_recording_upload_failures_total{target="s3"}',
          ),
        )
          .toBeGreaterThanOrEqual(2);
      });
      expect(t.sink.appended).toEqual([]); // no event names an object that is not there
      down.setRule(null);
      await t.service.idle();
      const id = recordingEventId(jobIdFor("s3-down.wav"), ann.care4wId);
      expect(await play(web, ann, id)).toMatchObject({ status: 200, codec: "opus", channels: 1 });
    } finally {
      await t.stop();
      down.stop();
    }
  },
  60_000,
);
