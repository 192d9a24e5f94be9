/**
 * Users' voicemail greetings for FreeSWITCH: web pushes each user's greeting version with their
 * subscriber record; when it differs from the copy on disk, the agent fetches the audio from web
 * (`GET /internal/greetings/:care4wId`, signed), converts it with ffmpeg to the 8 kHz mono WAV
 * FreeSWITCH plays (`<dir>/<care4w-id>.wav`, the dialplan's `VOICEMAIL_GREETINGS_DIR`), and
 * removes it when the user has none. What is wanted is written to disk (`.careflow/<id>.pending`)
 * before the push is answered, so a crash or an unreachable web only delays it: every pending
 * entry is taken up at start and retried with backoff until done.
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isCare4wId } from "../../../shared/care4w-id.ts";
import { signRequest } from "../../../shared/signing.ts";
import type { AgentService } from "../agent.ts";
import type { WarnLogger } from "../log.ts";
import type { Counter, Registry } from "../metrics/registry.ts";

/** What the sync is built from. */
export interface GreetingSyncOptions {
  dir: string;
  webUrl: string;
  secret: string;
  ffmpegPath: string;
  registry: Registry;
  warn: WarnLogger;
  /** First retry delay, doubled per failure up to `retryMaxMs` (defaults 1 s, 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The running sync: `note` is called for every subscriber change web pushes. */
export interface GreetingSync extends AgentService {
  /** Records that `care4wId`'s greeting should be `version` (null: none) and starts on it. */
  note(care4wId: string, version: string | null): Promise<void>;
  /** Resolves once nothing is pending or running (tests). */
  idle(): Promise<void>;
}

const VERSION = /^[A-Za-z0-9_-]{1,64}$/;

/** A greeting is short: longer input is cut (a tiny low-bitrate upload could decode to hours). */
const MAX_GREETING_SECONDS = 120;
/** An ffmpeg that takes longer than this is stuck, not busy. */
const FFMPEG_TIMEOUT_MS = 60_000;

/** Converts any audio web accepted to what FreeSWITCH plays: WAV, 8 kHz, mono, 16-bit. */
function toPhoneWav(ffmpeg: string, input: string, output: string): Promise<void> {
  const args = ["-nostdin", "-v", "error", "-y", "-i", input, "-t", String(MAX_GREETING_SECONDS)];
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      [...args, "-ac", "1", "-ar", "8000", "-c:a", "pcm_s16le", "-f", "wav", output],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), FFMPEG_TIMEOUT_MS);
    let errors = "";
    child.stderr.on("data", (chunk) => (errors = (errors + chunk).slice(-500)));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      reject(
        new Error(`ffmpeg ${signal ? `killed (${signal})` : `exited ${code}`}: ${errors.trim()}`),
      );
    });
  });
}

/** Where a user's greeting and the sync's notes about it live. */
function greetingFiles(dir: string) {
  const state = join(dir, ".careflow");
  return {
    wav: (id: string) => join(dir, `${id}.wav`),
    pending: (id: string) => join(state, `${id}.pending`),
    synced: (id: string) => join(state, `${id}.version`),
    work: (id: string, what: string) => join(state, `${id}.${what}`),
  };
}

/** The user's greeting from web, signed as every agent request is. */
async function fetchGreeting(o: GreetingSyncOptions, id: string): Promise<Response> {
  const path = `/internal/greetings/${id}`;
  const headers = signRequest({ secret: o.secret, method: "GET", path, body: "" });
  return await fetch(o.webUrl + path, { headers, signal: AbortSignal.timeout(30_000) });
}

/** Builds the sync; nothing is read or fetched before `start()`. */
export function createGreetingSync(o: GreetingSyncOptions): GreetingSync {
  const state = join(o.dir, ".careflow");
  const syncs: Counter = o.registry.counter(
    "careflow_agent_greeting_syncs_total",
    "Voicemail greetings brought to FreeSWITCH's folder, by result (copied, removed, failed).",
    ["result"],
  );
  for (const result of ["copied", "removed", "failed"]) syncs.declare({ result });
  const files = greetingFiles(o.dir);
  const read = (path: string) => readFile(path, "utf8").catch(() => null);
  const running = new Map<string, Promise<void>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const failures = new Map<string, number>();
  let stopped = true;

  /** Makes the disk match what is pending for `id`; throws to be retried. */
  async function apply(id: string): Promise<void> {
    const wanted = await read(files.pending(id));
    if (wanted === null) return;
    let response = wanted === "" ? null : await fetchGreeting(o, id);
    if (response && response.status === 404) {
      await response.body?.cancel();
      response = null; // gone meanwhile: web's next push says what replaced it
    } else if (response && !response.ok) {
      await response.body?.cancel();
      throw new Error(`web answered ${response.status}`);
    }
    if (response) {
      const download = files.work(id, "download");
      await writeFile(download, new Uint8Array(await response.arrayBuffer()));
      await toPhoneWav(o.ffmpegPath, download, files.work(id, "wav"));
      // A rename: FreeSWITCH never plays a half-written file.
      await rename(files.work(id, "wav"), files.wav(id));
      await rm(download, { force: true });
      // What web served is what is on disk, even when it changed since the note.
      const served = response.headers.get("x-careflow-greeting") ?? "";
      await writeFile(files.synced(id), VERSION.test(served) ? served : wanted);
    } else {
      await rm(files.wav(id), { force: true });
      await rm(files.synced(id), { force: true });
    }
    syncs.inc({ result: response ? "copied" : "removed" });
    // Only what was done is cleared: a newer note meanwhile stays pending and runs next.
    if ((await read(files.pending(id))) === wanted) await rm(files.pending(id), { force: true });
    else schedule(id, 0);
  }

  function schedule(id: string, delayMs: number): void {
    if (stopped || timers.has(id)) return;
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        if (running.has(id)) return schedule(id, 100);
        const run = apply(id).then(
          () => void failures.delete(id),
          (error: unknown) => {
            syncs.inc({ result: "failed" });
            const n = (failures.get(id) ?? 0) + 1;
            failures.set(id, n);
            const delay = Math.min(o.retryMaxMs ?? 300_000, (o.retryBaseMs ?? 1000) * 2 ** (n - 1));
            o.warn(
              `careflow-agent: warning: greeting of ${id} not synced (${
                (error as Error)?.message
              }); ` +
                `retrying in ${(delay / 1000).toFixed(1)} s`,
            );
            schedule(id, delay);
          },
        ).finally(() => running.delete(id));
        running.set(id, run);
      }, delayMs),
    );
  }

  return {
    name: "greetings",
    async note(care4wId, version) {
      if (!isCare4wId(care4wId) || (version !== null && !VERSION.test(version))) return;
      const wanted = version ?? "";
      const synced = (await read(files.synced(care4wId))) ?? "";
      if (synced === wanted && (await read(files.pending(care4wId))) === null) return;
      await mkdir(state, { recursive: true });
      // A name of its own: two notes at once must not share a temporary file.
      const temporary = files.work(care4wId, `note-${crypto.randomUUID()}`);
      await writeFile(temporary, wanted);
      await rename(temporary, files.pending(care4wId));
      schedule(care4wId, 0);
    },
    async start() {
      stopped = false;
      await mkdir(state, { recursive: true });
      for (const name of await readdir(state)) {
        const id = name.replace(/\.pending$/, "");
        if (name.endsWith(".pending") && isCare4wId(id)) schedule(id, 0);
      }
    },
    async stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled(running.values());
    },
    async idle() {
      while (timers.size > 0 || running.size > 0) {
        await Promise.allSettled(running.values());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
