/**
 * A throw-away `redis-server` on a free loopback port, without persistence unless asked, ended by
 * PID. The one Redis launcher of the tests and the local stack.
 */
import net from "node:net";
import { findProgram } from "./daemons.ts";
import { freePort } from "./ports.ts";
import { startProcess, type TrackedProcess } from "./process.ts";

/** A running Redis. */
export interface RedisServer {
  url: string;
  port: number;
  process: TrackedProcess;
  stop(): Promise<void>;
}

/** True when a Redis server answers PING on `port`. */
export function redisPing(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** Starts Redis; `appendOnly` turns AOF on in `dir` (for durability tests). */
export async function startRedis(
  options: { host?: string; port?: number; dir?: string; appendOnly?: boolean; logFile?: string } =
    {},
): Promise<RedisServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? await freePort();
  const args = [
    "--bind",
    host,
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    options.appendOnly ? "yes" : "no",
    "--daemonize",
    "no",
    ...(options.dir ? ["--dir", options.dir] : []),
  ];
  const proc = startProcess("redis", findProgram("redis-server"), args, {
    logFile: options.logFile,
  });
  try {
    await proc.waitFor(`PING on ${port}`, () => redisPing(port, host));
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url: `redis://${host}:${port}`, port, process: proc, stop: () => proc.stop() };
}
