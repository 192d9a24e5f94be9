/**
 * Free loopback ports for servers a test starts, so tests never collide with each other, a dev
 * stack or anything else on the machine. A port is free when both TCP and UDP can bind it (SIP
 * and RTP use both). A port handed out is claimed for a while (a file in the temp folder), so
 * test files running side by side, which may bind theirs seconds later, never get the same one.
 */
import dgram from "node:dgram";
import { mkdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";

const HOST = "127.0.0.1";
const CLAIMS = `${tmpdir()}/careflow-port-claims`;
/**
 * Long enough for a test to have bound its ports (they are bound within seconds of the claim),
 * short enough that many test runs in parallel do not exhaust the range; older claims are taken
 * over.
 */
const CLAIM_MS = 2 * 60_000;

/** Claims `port` for this process; false when another claim on it is still fresh. */
function claim(port: number): boolean {
  const file = `${CLAIMS}/${port}`;
  mkdirSync(CLAIMS, { recursive: true });
  const take = () => {
    try {
      writeFileSync(file, String(Date.now()), { flag: "wx" });
      return true;
    } catch {
      return false;
    }
  };
  if (take()) return true;
  try {
    if (Date.now() - statSync(file).mtimeMs < CLAIM_MS) return false;
    unlinkSync(file);
  } catch {
    return false; // claimed or released meanwhile
  }
  // Of two processes taking over the same stale claim, only one creates the file.
  return take();
}
/** Below Linux's ephemeral range (32768+), so an outgoing connection never takes one meanwhile. */
const LOW = 20_000;
const HIGH = 32_000;

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}

async function allFree(first: number, count: number): Promise<boolean> {
  const ports = Array.from({ length: count }, (_, i) => first + i);
  // Probed together: a range of 60 checked one by one costs a noticeable part of a stack start.
  const free = await Promise.all(
    ports.map(async (port) => (await tcpFree(port)) && (await udpFree(port))),
  );
  return free.every(Boolean);
}

/** Claims every port of the range, or none. */
function claimAll(first: number, count: number): boolean {
  for (let port = first; port < first + count; port++) {
    if (claim(port)) continue;
    for (let done = first; done < port; done++) unlinkSync(`${CLAIMS}/${done}`);
    return false;
  }
  return true;
}

/**
 * `count` consecutive free ports (TCP and UDP), returning the first. Consecutive ranges serve
 * RTP port ranges and programs that also bind the next port (baresip binds SIP port + 1).
 */
export async function freePortRange(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    if (await allFree(first, count) && claimAll(first, count)) return first;
  }
  throw new Error(`no ${count} consecutive free ports on ${HOST}`);
}

/** One free port (TCP and UDP). */
export function freePort(): Promise<number> {
  return freePortRange(1);
}

/** Free ports for each name, e.g. `await freePorts("sip", "ws")` → `{sip: 23011, ws: 27805}`. */
export async function freePorts<K extends string>(...names: K[]): Promise<Record<K, number>> {
  const ports = {} as Record<K, number>;
  for (const name of names) ports[name] = await freePort();
  return ports;
}
