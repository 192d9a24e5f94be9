/**
 * Web throughput (`deno task bench:web`): the real app and a bare Hono route served by one Deno
 * process (`server.ts`), the bare route on `Deno.serve` by another (`bare.ts`), loaded by
 * autocannon (32 connections, 5 s each, one after the other), side by side in one run:
 * - the bare route (the runtime's and Hono's floor), on `Deno.serve` and on node:http (which
 *   web is served on, for its WebSockets' frame limit);
 * - `GET /api/users/lookup` with a session (cookie, session and user lookup, validation, JSON);
 * - the same without a session (the middleware chain up to the 401);
 * - the landing page (server rendering).
 * Target: the lookup at ≥ 0.5× the bare route.
 */
const AUTOCANNON = "autocannon@8.0.0";
const SECONDS = Number(Deno.args[0] ?? "5");

const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./server.ts", import.meta.url).pathname],
  env: { LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info" },
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
let printed = "";
// Log lines come first (JSON too); the servers' line names both URLs.
while (!/^\{"url".*$/m.test(printed)) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the bench server stopped");
  printed += value;
}
const { url, bareNode, cookie } = JSON.parse(printed.match(/^\{"url".*$/m)![0]);
const bareServer = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./bare.ts", import.meta.url).pathname],
  stdout: "piped",
}).spawn();
const bareReader = bareServer.stdout.pipeThrough(new TextDecoderStream()).getReader();
const bare = ((await bareReader.read()).value ?? "").trim();
await bareReader.cancel();
// Keep reading, so the server's request logs never fill the pipe and block it.
void (async () => {
  while (!(await reader.read()).done);
})();

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}

async function load(target: string, headers: Record<string, string> = {}): Promise<Result> {
  const args = ["-y", AUTOCANNON, "-c", "32", "-d", String(SECONDS), "-j"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  const output = await new Deno.Command("npx", { args: [...args, target], stderr: "null" })
    .output();
  if (!output.success) throw new Error(`autocannon failed on ${target}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

try {
  const rows: [string, Result, number][] = [];
  const base = await load(`${bare}/hello`);
  rows.push(["bare Hono route (Deno.serve)", base, 200]);
  rows.push(["bare Hono route (node:http)", await load(`${bareNode}/hello`), 200]);
  rows.push([
    "lookup with a session",
    await load(`${url}/api/users/lookup?care4wId=care4w-1000001`, { cookie }),
    200,
  ]);
  rows.push([
    "lookup without a session (401)",
    await load(`${url}/api/users/lookup?care4wId=care4w-1000001`),
    401,
  ]);
  rows.push(["landing page", await load(`${url}/`), 200]);
  console.log(
    `web throughput: 32 connections, ${SECONDS} s each, loopback, autocannon beside the server`,
  );
  for (const [name, result] of rows) {
    const ratio = result.requests.average / base.requests.average;
    console.log(
      `  ${name.padEnd(32)} ${Math.round(result.requests.average).toString().padStart(7)} req/s` +
        `  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ${ratio.toFixed(2)}× bare` +
        (name.includes("401") ? "" : `  non-2xx ${result.non2xx}`),
    );
  }
  console.log("  target: lookup with a session ≥ 0.50× bare");
} finally {
  for (const child of [server, bareServer]) {
    child.kill();
    await child.status;
  }
}
