/**
 * A real user's sign-in during a flood (`deno task bench:login [concurrency] [max seconds]`):
 * the real web app (compose, SQLite, production argon2id cost, its hash queue and limits) runs in
 * a child process behind a pretend reverse proxy (TRUSTED_PROXIES=127.0.0.1, so X-Forwarded-For
 * names the client). This process first times 20 sign-ins of a real user with no flood, then
 * starts 600 concurrent sign-ins with made-up emails from 200 forwarded addresses, each worker
 * sending again as soon as it is answered, and times 20 more sign-ins of the same user during
 * it; the flood stops after those, or at the time or count bound. Both are timed twice: from the
 * user's known device (its `cf_device` cookie) and from a new device (the account is known, the
 * device is not). Prints p50/p95 with and without the flood, their ratio, and what became of
 * the flood's requests (refused per address, refused by the queue, hashed). Loopback only.
 */
import { openWeb } from "../web/compose.ts";
import { loadConfig } from "../web/config.ts";
import { serveWeb } from "../web/http/serve.ts";

const EMAIL = "real.user@example.org";
const PASSWORD = "the real user's passphrase";
const FLOOD = Number(Deno.args[0] ?? "600") || 600;
const SOURCES = Number(Deno.args[1] ?? "1000");
const MAX_SECONDS = Number(Deno.args[2] ?? "60");
const MAX_FLOOD_REQUESTS = 200_000;
const ROUNDS = 20;

/** The child: the real app on a loopback port, one real user signed up; prints its URL. */
async function serve() {
  const dataDir = await Deno.makeTempDir({ prefix: "careflow-bench-login-" });
  const config = loadConfig({
    ...Deno.env.toObject(),
    SIGNUP: "open",
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    TRUSTED_PROXIES: "127.0.0.1",
  });
  const web = await openWeb(config, {
    sweep: false,
    manifest: () => ({ boot: "", styles: "", islands: {} }),
  });
  const server = await serveWeb(web.app, { hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const signup = await web.app.request(`${url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, displayName: "Real User" }),
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${await signup.text()}`);
  const { concurrency, maxWaiting } = config.passwordHashing;
  console.log(JSON.stringify({ url, concurrency, maxWaiting, hasher: config.passwordHasher }));
  Deno.addSignalListener("SIGTERM", async () => {
    await web.close(() => server.shutdown());
    await Deno.remove(dataDir, { recursive: true });
    Deno.exit(0);
  });
}

/** One sign-in from `source`; its status, the cookie it set and how long it took. */
async function login(url: string, email: string, password: string, source: string, cookie = "") {
  const started = performance.now();
  const response = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": source,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  await response.body?.cancel();
  const device = response.headers.getSetCookie().find((c) => c.startsWith("cf_device="));
  return {
    status: response.status,
    ms: performance.now() - started,
    device: device?.split(";")[0],
  };
}

/** Latencies of the requests that got `expected`, and how many did not. */
type Timed = { times: number[]; refused: number };
const ROWS = ["known device", "new device", "no hashing"] as const;

/** A request that hashes nothing (GET /api/me without a session: 401), for the floor. */
async function probe(url: string, source: string) {
  const started = performance.now();
  const response = await fetch(`${url}/api/me`, { headers: { "x-forwarded-for": source } });
  await response.body?.cancel();
  return { status: response.status, ms: performance.now() - started };
}

/**
 * The real user signs in ROUNDS times from the known device and as often from new ones, taking
 * turns with a request that hashes nothing (so all three meet the same part of the flood), each
 * from its own address.
 */
async function timeRealUser(url: string, phase: number, device: { cookie: string }) {
  const rows = ROWS.map((): Timed => ({ times: [], refused: 0 }));
  for (let n = 0; n < ROUNDS; n++) {
    // A fresh address each time: the user's own sign-ins never meet the per-address limit.
    const known = await login(url, EMAIL, PASSWORD, `10.${phase}.${n}.1`, device.cookie);
    if (known.device) device.cookie = known.device; // a browser keeps the renewed token
    const fresh = await login(url, EMAIL, PASSWORD, `10.${phase}.${n}.2`);
    const floor = await probe(url, `10.${phase}.${n}.3`);
    [known, fresh, floor].forEach((r, row) => {
      if (r.status === (row === 2 ? 401 : 200)) rows[row].times.push(r.ms);
      else rows[row].refused++;
    });
  }
  return rows;
}

/** FLOOD workers signing in with made-up emails until `stop` or the bounds. */
function startFlood(url: string) {
  const statuses = new Map<number, number>();
  let sent = 0;
  let stopped = false;
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const started = performance.now();
  const worker = async (w: number) => {
    while (!stopped && sent < MAX_FLOOD_REQUESTS && performance.now() < deadline) {
      const n = sent++;
      const source = `172.16.${w % SOURCES >> 8}.${w % SOURCES & 255}`;
      const status = await login(url, `nobody-${n}@example.org`, `guess ${n}`, source)
        .then((r) => r.status, () => 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const workers = Array.from({ length: FLOOD }, (_, w) => worker(w));
  return {
    statuses,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      return { sent, seconds: (performance.now() - started) / 1000 };
    },
  };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const fmt = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`;

async function main() {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "serve"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  while (!/^\{"url".*$/m.test(printed)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the bench server stopped");
    printed += value;
  }
  const server = JSON.parse(printed.match(/^\{"url".*$/m)![0]);
  void (async () => {
    while (!(await reader.read()).done);
  })();
  try {
    await report(server);
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

async function report(
  server: { url: string; concurrency: number; maxWaiting: number; hasher: string },
) {
  const { url } = server;
  const first = await login(url, EMAIL, PASSWORD, "10.0.0.1");
  if (first.status !== 200 || !first.device) throw new Error(`first login: ${first.status}`);
  const device = { cookie: first.device };
  const quiet = await timeRealUser(url, 1, device);
  const flood = startFlood(url);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the flood at full strength
  const busy = await timeRealUser(url, 2, device);
  const { sent, seconds } = await flood.stop();
  const count = (status: number) => flood.statuses.get(status) ?? 0;
  console.log(
    `real user's sign-in, ${ROUNDS} each, during ${FLOOD} concurrent sign-ins with made-up emails ` +
      `from ${SOURCES} forwarded addresses (argon2id ${server.hasher}, ` +
      `${server.concurrency} at once, ${server.maxWaiting} may wait); loopback, one machine`,
  );
  ROWS.forEach((name, row) => {
    const q = quiet[row];
    const b = busy[row];
    const [q50, q95, b50, b95] = [
      percentile(q.times, 50),
      percentile(q.times, 95),
      percentile(b.times, 50),
      percentile(b.times, 95),
    ];
    console.log(
      `  ${name.padEnd(13)} no flood p50 ${fmt(q50)} p95 ${fmt(q95)}  |  flood p50 ${fmt(b50)}` +
        ` p95 ${fmt(b95)}  |  ratio p50 ${(b50 / q50).toFixed(1)}× p95 ${(b95 / q95).toFixed(1)}×` +
        `  |  failed: ${q.refused} / ${b.refused}`,
    );
  });
  const other = sent - count(429) - count(503) - count(401);
  console.log(
    `  flood: ${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s): ` +
      `${count(429)} refused per address (429), ${count(503)} refused by the hash queue (503), ` +
      `${count(401)} hashed (401)${other ? `, ${other} other` : ""}`,
  );
}

if (Deno.args[0] === "serve") await serve();
else await main();
