/**
 * Test helper: a real, throw-away `redis-server` on a free loopback port in 6390-6399, without
 * persistence, ended by PID. Each test file starts its own, so files stay independent.
 */
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A running test Redis. */
export interface TestRedis {
  port: number;
  url: string;
  /** A connected client (closed by `stop`). */
  client: Redis;
  /** Ends the client and the server process. */
  stop(): Promise<void>;
}

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function waitForPing(client: Redis, deadline: number): Promise<void> {
  while (true) {
    try {
      if ((await client.ping()) === "PONG") return;
    } catch {
      if (Date.now() > deadline) throw new Error("redis-server did not answer PING in time");
      await Bun.sleep(20);
    }
  }
}

/** Starts a Redis server for one test file. */
export async function startTestRedis(): Promise<TestRedis> {
  for (let port = 6390; port <= 6399; port++) {
    if (!(await portIsFree(port))) continue;
    const proc = Bun.spawn(
      [
        REDIS_BINARY,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdout: "ignore", stderr: "pipe" },
    );
    const client = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    client.on("error", () => {}); // reconnect noise while the server starts or stops
    try {
      await waitForPing(client, Date.now() + 5000);
    } catch (error) {
      client.disconnect();
      proc.kill();
      await proc.exited;
      // Another process may have taken the port between the probe and the bind: try the next.
      if (proc.exitCode !== null && proc.exitCode !== 0) continue;
      throw error;
    }
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      client,
      async stop() {
        client.disconnect();
        proc.kill("SIGTERM");
        await proc.exited;
      },
    };
  }
  throw new Error("no free port for redis-server in 6390-6399");
}
