/**
 * Test helper: the shared throw-away Redis (`testing/redis.ts`, a free loopback port, no
 * persistence) plus a connected ioredis client. Each test file starts its own, so files stay
 * independent.
 */
import { Redis } from "ioredis";
import { startRedis } from "../../../testing/redis.ts";

/** A running test Redis. */
export interface TestRedis {
  port: number;
  url: string;
  /** A connected client (closed by `stop`). */
  client: Redis;
  /** Ends the client and the server process. */
  stop(): Promise<void>;
}

/** Starts a Redis server for one test file. */
export async function startTestRedis(): Promise<TestRedis> {
  const server = await startRedis();
  const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {}); // reconnect noise while the server stops
  try {
    await client.connect();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    port: server.port,
    url: server.url,
    client,
    async stop() {
      client.disconnect();
      await server.stop();
    },
  };
}
