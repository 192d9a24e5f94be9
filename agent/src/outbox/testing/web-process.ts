/**
 * Test and bench helper: the real web app as a child process (`bench/outbox/web-server.ts` under
 * Deno: SQLite in a folder of its own, `sip` mode so `/internal/events` is open to signed
 * requests), which can be SIGKILLed and started again on the same port and folder. Users are
 * signed up through its real API; what it stored is read straight from its SQLite file.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { freePort } from "../../../../testing/ports.ts";
import { startProcess, type TrackedProcess } from "../../../../testing/process.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;
const ENTRY = `${ROOT}bench/outbox/web-server.ts`;

/** What web's store holds of the agent's events. */
export interface StoredEvents {
  /** Rows in `applied_events` (one per event id web ever applied). */
  applied: number;
  /** Their ids. */
  ids: Set<string>;
  /** Rows in `calls` (one per CDR applied). */
  calls: number;
}

/** A web process that can be killed and brought back. */
export interface WebProcess {
  url: string;
  /** The secret its `/internal` API verifies. */
  secret: string;
  dataDir: string;
  readonly process: TrackedProcess;
  /** SIGKILL: no shutdown, requests in flight cut off. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Signs up `count` users through `/api/auth/signup`; their CareFlow IDs. */
  signUp(count: number): Promise<string[]>;
  /** Reads the store (works while it runs: SQLite in WAL mode). */
  stored(): StoredEvents;
  /** SIGTERM, then removes its folder. */
  stop(): Promise<void>;
}

function readyLine(output: string): { url: string; internalSecret: string } | null {
  const line = output.split("\n").find((l) => l.startsWith('{"ready":true'));
  return line ? JSON.parse(line) : null;
}

async function launch(port: number, dataDir: string) {
  const proc = startProcess("web", "deno", ["run", "-A", ENTRY, String(port), dataDir], {
    cwd: ROOT,
  });
  try {
    await proc.waitFor(
      `web on ${port}`,
      () => Promise.resolve(readyLine(proc.output(100_000)) !== null),
      60_000,
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { proc, ready: readyLine(proc.output(100_000))! };
}

/** Starts web in a fresh folder on a free port. */
export async function startWebProcess(): Promise<WebProcess> {
  const dataDir = mkdtempSync(`${tmpdir()}/careflow-outbox-web-`);
  const port = await freePort();
  let { proc, ready } = await launch(port, dataDir);
  let users = 0;
  return {
    url: ready.url,
    secret: ready.internalSecret,
    dataDir,
    get process() {
      return proc;
    },
    async kill() {
      if (!proc.exited) process.kill(proc.pid, "SIGKILL");
      await proc.exit;
    },
    async restart() {
      ({ proc, ready } = await launch(port, dataDir));
    },
    async signUp(count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const n = users++;
        const response = await fetch(`${ready.url}/api/auth/signup`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            email: `outbox${n}@example.org`,
            password: "outbox test password",
            displayName: `Outbox ${n}`,
          }),
        });
        const body = await response.json() as { user?: { care4wId: string } };
        if (response.status !== 201 || !body.user) {
          throw new Error(`signup failed: ${response.status} ${JSON.stringify(body)}`);
        }
        ids.push(body.user.care4wId);
      }
      return ids;
    },
    stored() {
      const db = new Database(`${dataDir}/careflow.sqlite`);
      try {
        const rows = db.query("SELECT id FROM applied_events").all() as { id: string }[];
        const calls = db.query("SELECT COUNT(*) AS n FROM calls").get() as { n: number };
        return { applied: rows.length, ids: new Set(rows.map((r) => r.id)), calls: calls.n };
      } finally {
        db.close();
      }
    },
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
