/**
 * Free loopback ports for servers a test starts, so tests never collide with each other, a dev
 * stack or anything else on the machine. A port is free when both TCP and UDP can bind it (SIP
 * and RTP use both); ports handed out once are not handed out again by this process.
 */
import dgram from "node:dgram";
import net from "node:net";

const HOST = "127.0.0.1";
const handedOut = new Set<number>();
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
  if (ports.some((port) => handedOut.has(port))) return false;
  // Probed together: a range of 60 checked one by one costs a noticeable part of a stack start.
  const free = await Promise.all(
    ports.map(async (port) => (await tcpFree(port)) && (await udpFree(port))),
  );
  return free.every(Boolean);
}

/**
 * `count` consecutive free ports (TCP and UDP), returning the first. Consecutive ranges serve
 * RTP port ranges and programs that also bind the next port (baresip binds SIP port + 1).
 */
export async function freePortRange(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
    if (await allFree(first, count)) {
      for (let port = first; port < first + count; port++) handedOut.add(port);
      return first;
    }
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
