/**
 * Web as an edge host runs it: `web/main.ts` in its own Deno process under `--deny-run` and
 * `--deny-ffi` (no subprocesses, no native addons), with writes allowed nowhere but one empty
 * folder, in the production shape that runs here: the Redis hub, recordings in S3, argon2id in
 * WebAssembly, Twilio configured. It serves sign-up and sign-in, lookup, the token, a signaling
 * socket and a signed webhook, on node:http and again on `Deno.serve` (`HTTP_SERVER=deno`).
 * MongoDB cannot be installed on these machines, so the store is the embedded SQLite file in that
 * one folder; with `MONGODB_URI` set nothing at all is written.
 */
import { runAdmin } from "../../tools/admin.ts";
import assert from "node:assert/strict";
import { freePort } from "../../testing/ports.ts";
import { startProcess } from "../../testing/process.ts";
import { startRedis } from "../../testing/redis.ts";
import { startLocalS3 } from "../../testing/s3.ts";
import { signedPost, TWILIO_ENV } from "../testing/twilio.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name: "web serves under --deny-run --deny-ffi, writing nowhere but its store's folder",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const redis = await startRedis();
    const s3 = await startLocalS3();
    const dataDir = await Deno.makeTempDir({ prefix: "careflow-edge-" });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...TWILIO_ENV,
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      PASSWORD_HASHER: "wasm",
      REDIS_URL: redis.url,
      RECORDINGS_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
      // Configured, as production must (several instances share it): no key file is written.
      CALL_TICKET_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: "us-east-1",
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    };
    // Production signs up by invitation: the operator's step, before web starts.
    const printed: string[] = [];
    assert.equal(
      await runAdmin(["invite", "ann@example.org"], env, (line) => printed.push(line)),
      0,
    );
    const invite = /[?&]invite=([A-Za-z0-9_-]+)/.exec(printed.join("\n"))?.[1];
    assert.ok(invite, `an invitation link: ${printed.join("\n")}`);
    // Once on each server HTTP_SERVER offers: node:http (the default), then Deno.serve.
    let web = startEdgeWeb(env, "node");
    try {
      await waitListening(web, url);
      const json = { "content-type": "application/json", origin: url };
      const account = { email: "ann@example.org", password: "correct horse battery" };
      const signup = await fetch(`${url}/api/auth/signup`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ ...account, displayName: "Ann Carer", invite }),
      });
      assert.equal(signup.status, 201, await signup.clone().text());
      await signup.body?.cancel();
      for (const server of ["node", "deno"] as const) {
        if (server === "deno") {
          await web.stop();
          web = startEdgeWeb(env, server);
          await waitListening(web, url);
        }
        const login = await fetch(`${url}/api/auth/login`, {
          method: "POST",
          headers: json,
          body: JSON.stringify(account),
        });
        assert.equal(login.status, 200, "a WebAssembly hash verified");
        const cookie = login.headers.get("set-cookie")!.split(";")[0];
        await login.body?.cancel();
        await servesAsProduction(url, port, cookie);
      }

      // Nothing but the store's own files was written, and nothing was refused on the way.
      const written = [...Deno.readDirSync(dataDir)].map((entry) => entry.name).sort();
      assert.ok(written.includes("careflow.sqlite"), written.join(", "));
      assert.ok(written.every((name) => name.startsWith("careflow.sqlite")), written.join(", "));
      assert.doesNotMatch(web.output(), /NotCapable|PermissionDenied|Requires (run|ffi|write)/);
    } finally {
      await web.stop();
      await s3.stop();
      await redis.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

/** `web/main.ts` under the edge host's permissions, on `server`. */
function startEdgeWeb(env: Record<string, string>, server: "node" | "deno") {
  const dataDir = env.DATA_DIR;
  return startProcess(`web (edge, ${server})`, Deno.execPath(), [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-sys",
    `--allow-write=${dataDir}`,
    "--deny-run",
    "--deny-ffi",
    `${ROOT}web/main.ts`,
  ], { cwd: ROOT, env: { ...env, HTTP_SERVER: server } });
}

async function waitListening(web: ReturnType<typeof startProcess>, url: string) {
  await web.waitFor("web to listen", async () => {
    try {
      return (await fetch(`${url}/login`)).ok;
    } catch {
      return false;
    }
  });
}

/** Lookup, token, a signaling socket and a signed Twilio webhook, as production serves them. */
async function servesAsProduction(url: string, port: number, cookie: string) {
  const lookup = await fetch(`${url}/api/users/lookup?care4wId=care4w-1000001`, {
    headers: { cookie },
  });
  assert.deepEqual(await lookup.json(), {
    exists: true,
    displayName: "Ann Carer",
    online: false,
    presence: "offline",
  });
  const token = await (await fetch(`${url}/api/token`, { headers: { cookie } })).json();
  assert.equal(token.care4wId, "care4w-1000001");
  assert.ok(token.twilio.token);

  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/signal?tab=edge-tab-1`, {
    headers: { cookie, origin: url },
  } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error("the signaling socket did not open"));
  });
  const closed = new Promise((resolve) => (socket.onclose = resolve));
  socket.close();
  await closed;

  const voice = "/api/webhooks/twilio/voice";
  const call = {
    AccountSid: TWILIO_ENV.TWILIO_ACCOUNT_SID,
    CallSid: `CA${"f".repeat(32)}`,
    From: "+447700900123",
    To: TWILIO_ENV.TWILIO_PHONE_NUMBER,
  };
  const answered = await fetch(`${url}${voice}`, signedPost(voice, call, undefined, url));
  assert.equal(answered.status, 200);
  assert.match(await answered.text(), /<Gather/);
}
