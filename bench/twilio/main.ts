/**
 * Twilio webhook benchmark (`deno task bench:twilio`): the real web app on its embedded defaults
 * with Twilio configured, served over loopback HTTP in this process, answering webhooks signed as
 * Twilio signs them. Bounded bursts (concurrency 20) of each kind, measured side by side:
 * - a forged `status` (refused at the signature: the floor of routing and checking);
 * - `voice` for a browser call to a phone number (user lookup, TwiML);
 * - `gather` ringing a user (lookup, TwiML);
 * - `status` writing one history record per new CallSid (the store write).
 * Twilio waits at most 15 s for an answer; the target is p99 < 50 ms.
 */
import { loadConfig } from "../../web/config.ts";
import { signUpBenchUsers } from "../users.ts";
import { openBenchWeb } from "../web.ts";
import { browserCall, phoneCall, signedPost, TWILIO_ENV } from "../../web/testing/twilio.ts";
import { serveWeb } from "../../web/http/serve.ts";

const PER_KIND = Number(Deno.args[0] ?? "2000");
const CONCURRENCY = 20;
const dataDir = await Deno.makeTempDir({ prefix: "careflow-bench-twilio-" });
const config = loadConfig({ ...TWILIO_ENV, SIGNUP: "open", DATA_DIR: dataDir, LOG_LEVEL: "error" });
const web = await openBenchWeb(config);
const server = await serveWeb(web.app, { hostname: "127.0.0.1", port: 0 });
const url = `http://127.0.0.1:${server.port}`;
// care4w-1000001, whom the webhooks below name.
await signUpBenchUsers(web.app, 1);

const sid = (n: number) => `CA${n.toString(16).padStart(32, "0")}`;
const outbound =
  "/api/webhooks/twilio/status?direction=outbound&user=care4w-1000001&phone=%2B447700900123";
type Kind = { name: string; expect: number; request: (n: number) => [string, RequestInit] };
const kinds: Kind[] = [
  {
    name: "forged status (403 at the signature)",
    expect: 403,
    request: (n) => {
      const init = signedPost(outbound, { CallSid: sid(n), DialCallStatus: "completed" });
      init.headers["x-twilio-signature"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      return [outbound, init];
    },
  },
  {
    name: "voice, browser to a phone number",
    expect: 200,
    request: (n) => {
      const path = "/api/webhooks/twilio/voice";
      return [
        path,
        signedPost(path, browserCall("client:care4w-1000001", "+447700900123", sid(n))),
      ];
    },
  },
  {
    name: "gather, ringing a user",
    expect: 200,
    request: (n) => {
      const path = "/api/webhooks/twilio/gather?attempt=1";
      return [
        path,
        signedPost(path, { ...phoneCall("+447700900999", sid(n)), Digits: "1000001" }),
      ];
    },
  },
  {
    name: "status, one new history record each",
    expect: 200,
    request: (n) => [
      outbound,
      signedPost(outbound, {
        CallSid: sid(1_000_000 + n),
        DialCallStatus: "completed",
        DialCallDuration: "60",
      }),
    ],
  },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// Every request of the whole run has its own CallSid, so each status is a new record.
let sequence = 0;

async function burst(kind: Kind): Promise<{ p50: number; p99: number; perSecond: number }> {
  const times: number[] = [];
  let next = 0;
  const base = sequence;
  sequence += PER_KIND;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < PER_KIND) {
      const n = next++;
      const [path, init] = kind.request(base + n);
      const t0 = performance.now();
      const response = await fetch(`${url}${path}`, init);
      await response.body?.cancel();
      times.push(performance.now() - t0);
      if (response.status !== kind.expect) throw new Error(`${kind.name}: ${response.status}`);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: PER_KIND / seconds };
}

console.log(`Twilio webhooks: ${PER_KIND} per kind, ${CONCURRENCY} at once, loopback HTTP`);
let floor = 0;
for (const kind of kinds) {
  await burst(kind); // warm-up run, not counted
  const r = await burst(kind);
  floor ||= r.p50;
  console.log(
    `  ${kind.name.padEnd(40)} p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${
      r.p99.toFixed(2).padStart(6)
    } ms  ${Math.round(r.perSecond).toString().padStart(6)}/s  p50 ${
      (r.p50 / floor).toFixed(2)
    }× forged`,
  );
}
console.log("  target: p99 < 50 ms for voice and status (Twilio waits at most 15 s)");
await server.shutdown();
await web.close();
await Deno.remove(dataDir, { recursive: true });
