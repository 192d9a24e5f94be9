/**
 * Measures how much memory a 50 MiB put keeps alive, run as its own process by `memory.test.ts`
 * (`--v8-flags=--expose-gc`): the garbage collector is run every MiB of the upload and the live
 * heap plus external (ArrayBuffer) memory is sampled, so the figure is what the code holds, not
 * what the collector has yet to free. Prints one JSON line: MiB above the baseline, per case.
 * A control that buffers the body whole shows that the measure sees buffering.
 */
import { startLocalS3 } from "../../../../testing/s3.ts";
import { createLocalStorage } from "../local.ts";
import { createS3Storage } from "../s3.ts";
import { patternBytes } from "./bytes.ts";
import { localS3Settings } from "./local-s3.ts";

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

function live(): number {
  gc!();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** A `size`-byte body that samples live memory every MiB it hands out. */
function sampledBody(size: number) {
  const chunk = patternBytes(0, 64 * 1024);
  let sent = 0;
  let peak = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent % MiB === 0) peak = Math.max(peak, live());
      const length = Math.min(chunk.byteLength, size - sent);
      controller.enqueue(chunk.slice(0, length)); // a fresh chunk each time, as a socket gives
      sent += length;
      if (sent >= size) controller.close();
    },
  }, { highWaterMark: 0 });
  return { stream, peak: () => peak };
}

/** MiB held above the baseline while `put` consumes a 50 MiB body. */
async function growth(put: (body: ReadableStream<Uint8Array>) => Promise<unknown>) {
  await put(sampledBody(8 * MiB).stream); // warm: code loaded, connections and pools made
  const baseline = live();
  const body = sampledBody(SIZE);
  await put(body.stream);
  return Math.round((Math.max(body.peak(), live()) - baseline) / MiB * 10) / 10;
}

const options = { contentType: "audio/webm", maxBytes: SIZE };
const dir = await Deno.makeTempDir({ prefix: "careflow-memory-" });
const s3 = await startLocalS3();
const storage = createS3Storage(localS3Settings(s3));
try {
  const held: ArrayBuffer[] = [];
  const control = await growth(async (body) => held.push(await new Response(body).arrayBuffer()));
  held.length = 0;
  const local = createLocalStorage({ dir, key: new Uint8Array(32).fill(1) });
  const localMiB = await growth((body) => local.put("probe", body, options));
  const s3MiB = await growth((body) => storage.put("probe", body, options));
  console.log(JSON.stringify({ control, local: localMiB, s3: s3MiB }));
} finally {
  storage.close();
  await s3.stop();
  await Deno.remove(dir, { recursive: true });
}
