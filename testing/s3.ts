/**
 * A throw-away S3 server for tests: `s3rver` (npm) on a free loopback port with its own temp
 * folder and a bucket, ended by PID and its folder removed. It runs as a child process (this file
 * is also its entry), so its HTTP server, timers and memory stay out of the test's process: Deno's
 * sanitizers see nothing of it and memory measurements of the code under test stay clean.
 *
 * s3rver checks an access key id and presigned-URL expiry but not signatures: tests of signing
 * must check those themselves. It wants path-style URLs (`forcePathStyle: true`).
 */
import { Buffer } from "node:buffer";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { freePort } from "./ports.ts";
import { startProcess, type TrackedProcess } from "./process.ts";

/** The one account s3rver knows. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** A running local S3. */
export interface LocalS3 {
  /** `http://127.0.0.1:PORT`, for path-style requests. */
  endpoint: string;
  /** Made at start. */
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where s3rver keeps the objects (removed by `stop`). */
  directory: string;
  process: TrackedProcess;
  /** Makes another bucket (s3rver accepts unsigned requests). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

const SELF = new URL(import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** The command that runs this file as the server, in whichever runtime runs the caller. */
function serverCommand(args: string[]): [string, string[]] {
  if (process.versions.bun) return [process.execPath, ["run", SELF, ...args]];
  return [process.execPath, ["run", "-A", "--quiet", `--config=${ROOT}deno.json`, SELF, ...args]];
}

/** Starts s3rver with `bucket` and waits until it answers. */
export async function startLocalS3(options: { bucket?: string } = {}): Promise<LocalS3> {
  const bucket = options.bucket ?? "recordings";
  const port = await freePort();
  const directory = mkdtempSync(`${tmpdir()}/careflow-s3-`);
  const [command, args] = serverCommand(["--serve", String(port), directory, bucket]);
  const proc = startProcess("s3rver", command, args, { cwd: ROOT });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await proc.waitFor(`s3rver on ${port}`, async () => {
      const response = await fetch(`${endpoint}/${bucket}`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.ok;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    bucket,
    ...S3RVER_CREDENTIALS,
    directory,
    process: proc,
    async createBucket(name) {
      const response = await fetch(`${endpoint}/${name}`, { method: "PUT" });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`s3rver refused bucket ${name}: ${response.status} ${text}`);
      }
    },
    stop,
  };
}

/**
 * s3rver seals ListObjectsV2 continuation tokens with DES, which neither Deno's nor current Node's
 * crypto offers, so every second page fails. A token only has to come back as it went out, so for
 * that one cipher (in this child only) an identity stand-in is used.
 */
function allowDesTokens(): void {
  type Factory = (algorithm: string, ...rest: unknown[]) => unknown;
  const identity = {
    update: (data: string | Uint8Array, encoding?: BufferEncoding) =>
      typeof data === "string" ? Buffer.from(data, encoding) : Buffer.from(data),
    final: () => Buffer.alloc(0),
  };
  const patch = (name: "createCipheriv" | "createDecipheriv") => {
    const original = crypto[name] as unknown as Factory;
    (crypto as unknown as Record<string, Factory>)[name] = (algorithm, ...rest) =>
      algorithm === "des" ? identity : original(algorithm, ...rest);
  };
  patch("createCipheriv");
  patch("createDecipheriv");
}

/** The child's side: serve until killed. */
async function serve(port: number, directory: string, bucket: string): Promise<void> {
  allowDesTokens();
  const { default: S3rver } = await import("s3rver");
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await server.run();
  console.log(`s3rver listening on 127.0.0.1:${port}`);
  // A test runner killed outright (a timeout's SIGKILL) cannot stop us: end once orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  }, 1000);
}

if (import.meta.main && process.argv.includes("--serve")) {
  const [port, directory, bucket] = process.argv.slice(process.argv.indexOf("--serve") + 1);
  await serve(Number(port), directory, bucket);
}
