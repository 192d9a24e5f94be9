/**
 * Recordings benchmark (`deno task bench:recordings`): the real web server in its own process,
 * driven over loopback HTTP. It prints, measured side by side in one run:
 * - upload throughput of ten concurrent 50 MB uploads, against the same bytes drained by a bare
 *   sink in the same process (the loopback ceiling);
 * - the server's resident memory while they run, against ten 5 MB uploads: flat (streaming)
 *   means the growth does not scale with the file size;
 * - time to first byte of `Range` playback in a 1-hour recording, at its start, middle and end,
 *   against a whole-file request;
 * - events per second into the store through signed `POST /internal/events`, batches of 100
 *   against batches of 1.
 */
import type { ServerReady } from "./server.ts";
import { firstByteMs, postEvents, sinkWav, uploadWav } from "./client.ts";

const MB = 1024 * 1024;
const UPLOADS = 10;
const HOUR_BYTES = 44 + 3600 * 16000;

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./server.ts", import.meta.url).pathname, String(UPLOADS)],
  stdin: "null",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const ready: ServerReady = JSON.parse(await firstLine(child.stdout));
const { webUrl, users } = ready;

/** The first line a stream carries (the server's ready report); the rest is left unread. */
async function firstLine(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.includes("\n")) return text.slice(0, text.indexOf("\n"));
  }
  throw new Error("the bench server exited before it was ready");
}

/** The server's resident set size now, from /proc. */
function residentBytes(): number {
  const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) * 1024;
}

/** The server's V8 heap plus the buffers it holds outside it (what JS keeps alive or not yet freed). */
async function jsBytes(): Promise<number> {
  const usage = await (await fetch(`${ready.sinkUrl}/memory`)).json();
  return usage.heapUsed + usage.external;
}

/**
 * Runs `work` while sampling the server's resident memory every 20 ms and its JS memory every
 * 100 ms; the growth of each over its value before.
 */
async function withMemory<T>(work: () => Promise<T>) {
  const before = { rss: residentBytes(), js: await jsBytes() };
  const peak = { ...before };
  const rssTimer = setInterval(() => (peak.rss = Math.max(peak.rss, residentBytes())), 20);
  const jsTimer = setInterval(async () => (peak.js = Math.max(peak.js, await jsBytes())), 100);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(rssTimer);
  clearInterval(jsTimer);
  peak.rss = Math.max(peak.rss, residentBytes());
  return {
    result,
    seconds,
    before,
    peak,
    growth: { rss: peak.rss - before.rss, js: peak.js - before.js },
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

try {
  // Warm up both paths (JIT, SQLite pages, first key use) before anything is measured.
  await uploadWav(webUrl, users[0].cookie, 2 * MB);
  await sinkWav(`${ready.sinkUrl}/file`, 2 * MB);

  const uploadAll = (bytes: number) => () =>
    Promise.all(users.map((user) => uploadWav(webUrl, user.cookie, bytes)));
  const small = await withMemory(uploadAll(5 * MB));
  const large = await withMemory(uploadAll(50 * MB));
  const sinkAll = (path: string) => () =>
    Promise.all(users.map(() => sinkWav(`${ready.sinkUrl}${path}`, 50 * MB)));
  const drained = await withMemory(sinkAll("/drain"));
  const plainFile = await withMemory(sinkAll("/file"));
  const rate = (r: { seconds: number }) => (UPLOADS * 50) / r.seconds;
  const line = (name: string, r: { seconds: number }) =>
    console.log(`  ${name.padEnd(52)} ${fmt(rate(r)).padStart(6)} MB/s`);
  console.log(`\nUploads: ${UPLOADS} x 50 MB at once over loopback, into the local folder`);
  line("CareFlow upload (parse, sniff, encrypt, write, sync)", large);
  line("same bytes to a plain synced file (disk ceiling)", plainFile);
  line("same bytes drained and dropped (loopback ceiling)", drained);
  console.log(
    `  ratio to the disk ceiling ${fmt(rate(large) / rate(plainFile), 2)}, ` +
      `to the loopback ceiling ${fmt(rate(large) / rate(drained), 2)}`,
  );
  const mib = (bytes: number) => `${fmt(bytes / MB)} MiB`.padStart(10);
  console.log(
    `  server memory growth while the bytes stream through:   RSS        JS heap+buffers`,
  );
  const growth = (name: string, r: { growth: { rss: number; js: number } }) =>
    console.log(`    ${name.padEnd(50)} ${mib(r.growth.rss)} ${mib(r.growth.js)}`);
  growth("CareFlow, 10 x 50 MB", large);
  growth("CareFlow, 10 x 5 MB", small);
  growth("plain synced file, 10 x 50 MB", plainFile);
  growth("drained and dropped, 10 x 50 MB", drained);
  console.log(
    `  RSS growth ratios: 50 MB / 5 MB files ${fmt(large.growth.rss / small.growth.rss, 2)}` +
      ` (10 would be holding whole files), CareFlow / plain file ` +
      `${fmt(large.growth.rss / plainFile.growth.rss, 2)}; RSS before ${
        mib(large.before.rss).trim()
      }`,
  );

  const hour = await uploadWav(webUrl, users[0].cookie, HOUR_BYTES);
  const media = `${webUrl}/api/recordings/${hour}/media`;
  const samples = 40;
  const points = {
    "start (bytes=0-65535)": "bytes=0-65535",
    "middle": `bytes=${HOUR_BYTES >> 1}-${(HOUR_BYTES >> 1) + 65535}`,
    "last 64 KiB": "bytes=-65536",
    "whole file, no Range": undefined,
  };
  console.log(`\nPlayback of a 1-hour recording (${fmt(HOUR_BYTES / MB)} MiB), ${samples} each`);
  const medians: Record<string, number> = {};
  for (const [name, range] of Object.entries(points)) {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) times.push(await firstByteMs(media, users[0].cookie, range));
    medians[name] = percentile(times, 50);
    console.log(
      `  ${name.padEnd(24)} TTFB median ${fmt(medians[name], 2)} ms` +
        `, p95 ${fmt(percentile(times, 95), 2)} ms`,
    );
  }
  const ratio = medians["last 64 KiB"] / medians["start (bytes=0-65535)"];
  console.log(`  end / start ratio ${fmt(ratio, 2)} (1.0: a seek costs the same anywhere)`);

  const cdr = (id: string) => ({
    id,
    type: "cdr",
    at: new Date().toISOString(),
    call: {
      id: `bench-${id}`,
      mode: "sip",
      status: "completed",
      caller: users[1].care4wId,
      callee: users[2].care4wId,
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      answeredAt: new Date(Date.now() - 55_000).toISOString(),
      endedAt: new Date().toISOString(),
    },
  });
  const ingest = async (batch: number, batches: number) => {
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const events = Array.from({ length: batch }, (_, i) => cdr(`ev-${batch}-${b}-${i}`));
      await postEvents(webUrl, ready.internalSecret, events);
    }
    return (batch * batches) / ((performance.now() - started) / 1000);
  };
  await ingest(10, 5); // warm-up
  const batched = await ingest(100, 40);
  const single = await ingest(1, 400);
  console.log(`\nIngest: signed POST /internal/events into SQLite, one sender`);
  console.log(
    `  batches of 100  ${fmt(batched, 0)} events/s   batches of 1  ${fmt(single, 0)}` +
      ` events/s   ratio ${fmt(batched / single, 1)}`,
  );
} finally {
  child.kill("SIGTERM");
  await child.status;
}
