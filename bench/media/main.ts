/**
 * Media benchmark (`bun run bench/media/main.ts`), printed side by side in one run:
 * - transcode speed of a 10-minute stereo 8 kHz WAV (× real time, target ≥ 50×): Opus/Ogg as the
 *   service makes it, MP3, both together, and Opus at libopus's default complexity for contrast;
 * - hangup (RECORD_STOP handed to the service) to playable by the owner through web's API,
 *   p50/p99 over 50 recordings of the captured 8.31 s bridge call: audio streamed to web, and
 *   through the shared object store (s3rver), one at a time and 50 at once; and a few 10-minute
 *   recordings.
 * Real ffmpeg, the real recordings service, a real web process (and s3rver), all on this machine;
 * events go straight to web through the tests' sink (the Redis outbox's own delay is measured by
 * bench/outbox). Everything it starts it ends by PID.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { startLocalS3 } from "../../testing/s3.ts";
import { createTestSpool, fixtureWav, WAVS } from "../../agent/src/recordings/testing/spool.ts";
import { startKillableWeb } from "../../agent/src/testing/web.ts";
import { localS3Settings } from "../../web/recordings/storage/testing/local-s3.ts";
import { burst, type LatencyRun, sequential } from "./latency.ts";
import { makeLongWav, measureSpeeds } from "./transcode.ts";

const TEN_MINUTES = 600;
const TARGET = 50;
const COUNT = 50;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, digits = 1) => value.toFixed(digits).padStart(8);

const dir = mkdtempSync(`${tmpdir()}/careflow-bench-media-`);
const spool = createTestSpool();
const cleanups: (() => Promise<void> | void)[] = [
  () => rmSync(dir, { recursive: true, force: true }),
  () => spool.remove(),
];
try {
  const longWav = `${dir}/ten-minutes.wav`;
  await makeLongWav(fixtureWav(WAVS.stereo), longWav, TEN_MINUTES);
  console.log(
    `transcode: ${TEN_MINUTES} s stereo 8 kHz WAV, median of 3 runs, ${navigator.hardwareConcurrency} cores`,
  );
  console.log(
    `  ${pad("setting", 52)} ${"seconds".padStart(8)} ${"x real".padStart(8)} ${
      "/target".padStart(8)
    } ${"KiB".padStart(8)}`,
  );
  const speeds = await measureSpeeds(longWav, dir, TEN_MINUTES);
  for (const row of speeds) {
    console.log(
      `  ${pad(row.label, 52)} ${num(row.seconds, 2)} ${num(row.realTime)} ${
        num(row.realTime / TARGET, 2)
      } ${num(row.bytes / 1024, 0)}`,
    );
  }
  console.log(
    `  complexity 5 vs libopus default 10: ${
      (speeds[0].realTime / speeds[3].realTime).toFixed(2)
    }x faster`,
  );

  const web = await startKillableWeb();
  cleanups.unshift(() => web.stop());
  const s3 = await startLocalS3({ bucket: "recordings" });
  cleanups.unshift(() => s3.stop());
  const s3Web = await startKillableWeb({ store: s3 });
  cleanups.unshift(() => s3Web.stop());
  const [a, b, c, d] = [
    await web.signup("Seq"),
    await web.signup("Burst"),
    await web.signup("Other"),
    await web.signup("Long"),
  ];
  const [s3a, s3b, s3other] = [
    await s3Web.signup("S3Seq"),
    await s3Web.signup("S3Burst"),
    await s3Web.signup("S3Other"),
  ];
  const streamed = { spoolDir: spool.dir, eventsUrl: web.url, spool, web, wav: WAVS.stereo };
  const stored = {
    spoolDir: spool.dir,
    eventsUrl: s3Web.url,
    spool,
    web: s3Web,
    wav: WAVS.stereo,
    objectStore: localS3Settings(s3),
  };
  const runs: LatencyRun[] = [
    await sequential("streamed to web, one at a time", streamed, a, c, COUNT),
    await burst("streamed to web, 50 at once", streamed, b, c, COUNT),
    await sequential("object store, one at a time", stored, s3a, s3other, COUNT),
    await burst("object store, 50 at once", stored, s3b, s3other, COUNT),
    await sequential("streamed to web, 10-minute call", { ...streamed, wav: longWav }, d, c, 3),
  ];
  console.log(`\nhangup to playable by the owner (8.31 s stereo capture unless said), ms`);
  console.log(
    `  ${pad("path", 36)} ${"n".padStart(4)} ${"p50".padStart(8)} ${"p99".padStart(8)} ${
      "max".padStart(8)
    } ${"rec/s".padStart(8)}`,
  );
  for (const run of runs) {
    console.log(
      `  ${pad(run.label, 36)} ${String(run.samples.length).padStart(4)} ${
        num(percentile(run.samples, 50))
      } ${num(percentile(run.samples, 99))} ${num(Math.max(...run.samples))} ${
        num(run.samples.length / (run.totalMs / 1000), 1)
      }`,
    );
  }
  const ratio = (x: LatencyRun, y: LatencyRun) =>
    (percentile(x.samples, 50) / percentile(y.samples, 50)).toFixed(2);
  console.log(
    `  p50 ratios: object store / streamed ${ratio(runs[2], runs[0])}, ` +
      `burst / one at a time ${ratio(runs[1], runs[0])} (streamed), ${
        ratio(runs[3], runs[2])
      } (store)`,
  );
} finally {
  for (const cleanup of cleanups) await cleanup();
}
