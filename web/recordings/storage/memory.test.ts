/**
 * Streams, never whole files: a 50 MiB put must keep only a little of it in memory. Measured in a
 * child process that can force garbage collection (`testing/memory-probe.ts`), so the figures are
 * live memory and hold on a busy machine; a control that buffers whole proves the probe sees it.
 */
import assert from "node:assert/strict";

const PROBE = new URL("./testing/memory-probe.ts", import.meta.url).pathname;
const CONFIG = new URL("../../../deno.json", import.meta.url).pathname;

Deno.test("memory: a 50 MiB put holds well under 50 MiB (local ~1 segment, S3 ~2 parts)", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--v8-flags=--expose-gc", `--config=${CONFIG}`, PROBE],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr) + stdout);
  const mib = JSON.parse(stdout.trim().split("\n").at(-1)!);
  console.log(`live MiB held during a 50 MiB put: ${JSON.stringify(mib)}`);
  assert.ok(mib.control >= 50, `the control buffered whole (${mib.control} MiB)`);
  assert.ok(mib.local < 8, `local held ${mib.local} MiB`);
  // Two 5 MiB parts in flight, one being filled and its copy: about 21 MiB at most (seen: 11-16).
  assert.ok(mib.s3 < 26, `s3 held ${mib.s3} MiB`);
});
