/**
 * A throw-away `redis-server` on a free loopback port, ended by PID. The one Redis launcher of the
 * tests and the local stack. Without a `dir` nothing persists; given one it keeps an AOF there
 * (the agent's event outbox needs it: an answered append must survive a Redis restart), unless
 * `appendOnly: false` says otherwise.
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

/** How to start Redis. */
export interface RedisOptions {
  host?: string;
  port?: number;
  /** Working folder (the AOF lives here); a restart on the same `dir` replays it. */
  dir?: string;
  /** AOF on or off; default: on when `dir` is given, off otherwise. */
  appendOnly?: boolean;
  /**
   * AOF fsync policy (Redis's default `everysec` when unset). `always` fsyncs before a write is
   * answered, so an answered write survives even a SIGKILL during a slow disk flush.
   */
  appendFsync?: "always" | "everysec" | "no";
  logFile?: string;
}

/** Starts Redis; with AOF in `dir` when one is given (see {@link RedisOptions.appendOnly}). */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
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
    (options.appendOnly ?? Boolean(options.dir)) ? "yes" : "no",
    "--daemonize",
    "no",
    ...(options.dir ? ["--dir", options.dir] : []),
    ...(options.appendFsync ? ["--appendfsync", options.appendFsync] : []),
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
