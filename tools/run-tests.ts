/**
 * The one test command (`deno task test`; not named `test.ts`, which `deno test` would run as a
 * test file): installs what the tests need, builds the islands,
 * runs format, lint and type checks and every test suite, and ends with ONE summary line
 * `N passed, N failed, N skipped` for the whole run. Exits non-zero when anything failed.
 */
import { ensurePackages } from "./system-packages.ts";
import { ensureBun } from "./toolchain.ts";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
const deno = Deno.execPath();
// Agent tests start the real web app: they find this Deno through $DENO.
const env: Record<string, string> = { NO_COLOR: "1", DENO: deno };

/** Runs a command with its output shown live, and returns the output for counting. */
async function run(
  label: string,
  command: string,
  args: string[],
): Promise<{ ok: boolean; text: string }> {
  console.log(`\n=== ${label}: ${command.split("/").pop()} ${args.join(" ")}`);
  const child = new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" }).spawn();
  const chunks: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      chunks.push(new TextDecoder().decode(chunk));
      await sink.write(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  return { ok: status.success, text: chunks.join("") };
}

/** A check (fmt, lint, type check, build) counts as one test. */
async function check(label: string, command: string, args: string[]) {
  const { ok } = await run(label, command, args);
  if (ok) tally.passed++;
  else tally.failed++;
  return ok;
}

/**
 * Adds up `deno test`'s own summary, tests and steps alike (a contract suite is one test with a
 * step per behaviour); a run that crashed before its summary counts as one failure.
 */
async function denoTests(label: string, args: string[]) {
  // Files run in parallel (one per core): most of a test's time is spent waiting on processes.
  const { ok, text } = await run(label, deno, ["test", "-A", "--parallel", ...args]);
  const steps = String.raw`(?: \((\d+) steps?\))?`;
  const summary = text.match(
    new RegExp(
      String.raw`(?:ok|FAILED) \| (\d+) passed${steps} \| (\d+) failed${steps}` +
        String.raw`(?: \| (\d+) ignored${steps})?`,
    ),
  );
  if (!summary) {
    tally.failed++;
    return;
  }
  const [passed, passedSteps, failed, failedSteps, ignored, ignoredSteps] = summary.slice(1)
    .map((n) => Number(n ?? 0));
  tally.passed += passed + passedSteps;
  tally.failed += failed + failedSteps + (ok || failed > 0 ? 0 : 1);
  tally.skipped += ignored + ignoredSteps;
}

/** Adds up `bun test`'s `N pass` / `N fail` / `N skip` lines. */
async function bunTests(label: string, dir: string) {
  const { ok, text } = await run(label, "bun", ["test", "--cwd", dir]);
  const count = (word: string) =>
    Number(text.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
  const passed = count("pass");
  const failed = count("fail");
  tally.passed += passed;
  tally.failed += failed + (!ok && failed === 0 ? 1 : 0);
  tally.skipped += count("skip") + count("todo");
}

const started = Date.now();
const stillMissing = await ensurePackages();
if (stillMissing.length > 0) console.error(`tests needing ${stillMissing.join(", ")} will fail`);

env.PATH = await ensureBun();

await check("npm dependencies (Deno)", deno, ["install"]);
await check("npm dependencies (Bun workspace)", "bun", ["install", "--frozen-lockfile"]);
await check("island build", deno, ["run", "-A", "web/build/build.ts"]);
await check("format", deno, ["fmt", "--check"]);
await check("lint", deno, ["lint"]);
await check("types", deno, [
  "check",
  "web",
  "shared",
  "testing",
  "tools",
  "pbx",
  "bench/signaling",
  "bench/registration",
  "bench/recordings",
  "bench/users.ts",
  "bench/outbox/web-server.ts",
  "bench/twilio",
  "bench/web",
  "bench/login-flood.ts",
]);
await check("agent types", "bun", ["x", "tsc", "-p", "agent/tsconfig.json"]);
await denoTests("web, shared, testing and tools tests", ["web", "shared", "testing", "tools"]);
await denoTests("SIP stack tests (kamailio, rtpengine, agent, SIPp, baresip)", ["pbx"]);
await bunTests("agent tests", "agent");

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\nwhole run took ${minutes} min`);
const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : "";
console.log(`${tally.passed} passed, ${tally.failed} failed${skipped}`);
Deno.exit(tally.failed > 0 ? 1 : 0);
