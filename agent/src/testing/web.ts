/**
 * The real web app (`deno run web/main.ts`) as a child process for the agent's end-to-end tests:
 * `sip` mode so `/internal` takes signed events, its own SQLite folder, optionally the object
 * store the agent writes to. It can be SIGKILLed and started again on the same port, folder and
 * keys (sessions, users and recordings survive, as they would in production). People sign up and
 * read their history, recordings and voicemail through its API with their own session.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { CallView, HistoryPage } from "../../../shared/api.ts";
import { freePort } from "../../../testing/ports.ts";
import { startProcess, type TrackedProcess } from "../../../testing/process.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** The internal API secret the agent signs with in these tests. */
export const TEST_INTERNAL_SECRET = "test-internal-api-secret-0123";

/** An object store both sides use (`testing/s3.ts`'s LocalS3 fits). */
export interface SharedObjectStore {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A signed-up person with their session cookie. */
export interface WebPerson {
  care4wId: string;
  cookie: string;
}

/** What web's API shows of a recording or voicemail. */
export interface RecordingSummary {
  id: string;
  type: "call" | "voicemail";
  status: string;
  duration: number;
  format: string;
  fileSize: number;
  callId: string | null;
}

/** A running web that can be killed and brought back. */
export interface KillableWeb {
  url: string;
  readonly process: TrackedProcess;
  signup(name: string): Promise<WebPerson>;
  /** `GET /api/calls/history` as `person`: their calls, newest first. */
  history(person: WebPerson): Promise<CallView[]>;
  /** `GET /api/recordings` as `person`, optionally `?type=`. */
  recordings(person: WebPerson, type?: "call" | "voicemail"): Promise<RecordingSummary[]>;
  /** `PUT` (audio bytes) or `DELETE` of `person`'s voicemail greeting; the status. */
  greeting(person: WebPerson, audio: Uint8Array | null): Promise<number>;
  /** `GET /api/recordings/:id/media` as `person` (redirects not followed). */
  media(person: WebPerson, id: string): Promise<Response>;
  /** SIGKILL: no shutdown, requests in flight cut off. */
  kill(): Promise<void>;
  /** Starts it again on the same port, folder and keys. */
  restart(): Promise<void>;
  /** SIGTERM, then removes its folder. */
  stop(): Promise<void>;
}

function webEnv(port: number, dataDir: string, agentUrl: string, store?: SharedObjectStore) {
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
  return {
    HOST: "127.0.0.1",
    PORT: String(port),
    // The tests sign their users up (production invites them).
    SIGNUP: "open",
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    RECORDINGS_KEY: key,
    CALL_MODE: "sip",
    SIP_DOMAIN: "careflow.test",
    SIP_WS_URL: "wss://sip.careflow.test:8443",
    SIP_PROXY: "sip:sip.careflow.test:5060;transport=udp",
    SIP_CREDENTIAL_SECRET: "test-credential-secret-0123",
    INTERNAL_API_SECRET: TEST_INTERNAL_SECRET,
    AGENT_URL: agentUrl,
    SIP_PASSWORD_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    RECORDING_QUOTA_MB: "100000",
    ...(store
      ? {
        S3_ENDPOINT: store.endpoint,
        S3_REGION: "us-east-1",
        S3_BUCKET: store.bucket,
        S3_ACCESS_KEY_ID: store.accessKeyId,
        S3_SECRET_ACCESS_KEY: store.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      }
      : {}),
  };
}

async function launch(env: Record<string, string>): Promise<TrackedProcess> {
  const deno = process.env.DENO ?? Bun.which("deno");
  if (!deno) throw new Error("deno is needed to run web: put it on PATH or set DENO");
  const proc = startProcess(
    "web",
    deno,
    ["run", "-A", "--quiet", `--config=${ROOT}deno.json`, `${ROOT}web/main.ts`],
    { env, cwd: ROOT },
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  try {
    await proc.waitFor(`web on ${env.PORT}`, async () => {
      // Any answer from the app means it serves (the API needs no island build).
      const response = await fetch(`${url}/api/token`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.status === 401;
    }, 60_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

/**
 * Starts web in a fresh folder on a free port; `store` makes it keep recordings there, `agentUrl`
 * sends its subscriber pushes to a real agent.
 */
export async function startKillableWeb(
  options: { store?: SharedObjectStore; agentUrl?: string } = {},
): Promise<KillableWeb> {
  const port = await freePort();
  const dataDir = mkdtempSync(`${tmpdir()}/careflow-e2e-web-`);
  // Web pushes each sign-up to the agent; without a real one, a stand-in takes the pushes.
  const agentStub = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("{}") });
  const agentUrl = options.agentUrl ?? `http://127.0.0.1:${agentStub.port}`;
  const env = webEnv(port, dataDir, agentUrl, options.store);
  const url = `http://127.0.0.1:${port}`;
  let proc: TrackedProcess;
  try {
    proc = await launch(env);
  } catch (error) {
    agentStub.stop(true);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const get = async (person: WebPerson, path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { cookie: person.cookie } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url,
    get process() {
      return proc;
    },
    async signup(name) {
      const response = await fetch(`${url}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.org`,
          password: "correct horse battery",
          displayName: name,
        }),
      });
      const body = await response.json() as { user?: { care4wId: string } };
      const cookie = response.headers.get("set-cookie")?.match(/cf_session=[^;]+/)?.[0];
      if (response.status !== 201 || !cookie || !body.user) {
        throw new Error(`signup failed: ${response.status} ${JSON.stringify(body)}`);
      }
      return { care4wId: body.user.care4wId, cookie };
    },
    async history(person) {
      return ((await get(person, "/api/calls/history?limit=100")) as HistoryPage).calls;
    },
    async recordings(person, type) {
      const query = type ? `?type=${type}` : "";
      return ((await get(person, `/api/recordings${query}`)) as {
        recordings: RecordingSummary[];
      }).recordings;
    },
    async greeting(person, audio) {
      const response = await fetch(`${url}/api/voicemail/greeting`, {
        method: audio ? "PUT" : "DELETE",
        body: audio,
        // As the browser on web's own page sends it (web wants a same-origin proof).
        headers: { cookie: person.cookie, "content-type": "audio/wav", origin: url },
      });
      await response.body?.cancel();
      return response.status;
    },
    media: (person, id) =>
      fetch(`${url}/api/recordings/${encodeURIComponent(id)}/media`, {
        headers: { cookie: person.cookie },
        redirect: "manual",
      }),
    async kill() {
      if (!proc.exited) process.kill(proc.pid, "SIGKILL");
      await proc.exit;
    },
    async restart() {
      proc = await launch(env);
    },
    async stop() {
      await proc.stop();
      agentStub.stop(true);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
