/**
 * Test helper: starts a real `redis-server` on a free port in 6410-6419 (reserved for signaling
 * tests), persistence off, bound to 127.0.0.1, and stops it by PID.
 */

/** A running test Redis. */
export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  /** Ends the server this helper started and waits for it to exit. */
  stop(): Promise<void>;
}

const FIRST_PORT = 6410;
const LAST_PORT = 6419;

function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

async function answersPing(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buffer = new Uint8Array(16);
      const n = await conn.read(buffer);
      return n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG");
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** Starts `/usr/bin/redis-server` on the first free port in 6410-6419. */
export async function startTestRedis(): Promise<TestRedis> {
  for (let port = FIRST_PORT; port <= LAST_PORT; port++) {
    if (!portIsFree(port)) continue;
    const child = new Deno.Command("/usr/bin/redis-server", {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const stop = async () => {
      if (!exited) child.kill("SIGTERM");
      await status;
    };
    for (let i = 0; i < 100 && !exited; i++) {
      if (await answersPing(port)) {
        // Someone else may have taken the port between the check and the spawn: make sure the
        // server answering is ours (still running).
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (!exited) return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stop();
  }
  throw new Error(`no redis-server could start on ports ${FIRST_PORT}-${LAST_PORT}`);
}
