/**
 * The stack's TCP front (StackOptions.tcpFront): HAProxy on the public SIP/TCP and WebSocket
 * ports with the repository's pbx/haproxy/haproxy.cfg, Kamailio (WITH_TCP_FRONT) behind it on
 * two more loopback ports.
 */
import { findProgram } from "../../testing/daemons.ts";
import { freePort } from "../../testing/ports.ts";
import { spawn } from "./process.ts";
import type { TrackedProcess } from "../../testing/process.ts";

/** How the front limits each source (the product's defaults when absent). */
export interface TcpFrontOptions {
  connectionsPerSource?: number;
  connectionRatePerSource?: number;
  /** How long a new connection may stay silent, in HAProxy's notation ("5s"). */
  firstByteTimeout?: string;
  /** The public TLS and WSS ports (Kamailio WITH_TLS): fronted as well. */
  tls?: { tlsPort: number; wssPort: number };
}

/** Where Kamailio's own TCP, WS, TLS and WSS listeners sit behind the front. */
export interface FrontPorts {
  sip: number;
  ws: number;
  tls: number;
  wss: number;
}

/** Free loopback ports for Kamailio behind the front. */
export async function freeFrontPorts(): Promise<FrontPorts> {
  return {
    sip: await freePort(),
    ws: await freePort(),
    tls: await freePort(),
    wss: await freePort(),
  };
}

/** Kamailio's defines for running behind the front. */
export function tcpFrontDefines(host: string, front: FrontPorts): string[] {
  return [
    "WITH_TCP_FRONT",
    `FRONT_IP=${host}`,
    `FRONT_SIP_PORT=${front.sip}`,
    `FRONT_WS_PORT=${front.ws}`,
    `FRONT_TLS_PORT=${front.tls}`,
    `FRONT_WSS_PORT=${front.wss}`,
  ];
}

/** Starts HAProxy and waits until its public ports accept connections. */
export async function startTcpFront(opts: {
  root: string;
  host: string;
  ports: { sip: number; ws: number };
  front: FrontPorts;
  workDir: string;
  limits?: TcpFrontOptions;
}): Promise<TrackedProcess> {
  const limits = opts.limits ?? {};
  const config = `${opts.root}/pbx/haproxy`;
  const tls = limits.tls;
  const proc = spawn(
    "haproxy",
    findProgram("haproxy"),
    [
      "-db",
      ...["-f", `${config}/haproxy.cfg`],
      ...(tls ? ["-f", `${config}/haproxy-tls.cfg`] : []),
    ],
    opts.workDir,
    {
      FRONT_PUBLIC_IP: opts.host,
      SIP_PORT: String(opts.ports.sip),
      WS_PORT: String(opts.ports.ws),
      FRONT_IP: opts.host,
      FRONT_SIP_PORT: String(opts.front.sip),
      FRONT_WS_PORT: String(opts.front.ws),
      CONNECTIONS_PER_SOURCE: String(limits.connectionsPerSource ?? 64),
      CONNECTION_RATE_PER_SOURCE: String(limits.connectionRatePerSource ?? 200),
      FIRST_BYTE_TIMEOUT: limits.firstByteTimeout ?? "5s",
      // Below the file descriptors this machine allows a process (HAProxy takes two per connection).
      MAX_CONNECTIONS: "8000",
      ...(tls
        ? {
          TLS_PORT: String(tls.tlsPort),
          WSS_PORT: String(tls.wssPort),
          FRONT_TLS_PORT: String(opts.front.tls),
          FRONT_WSS_PORT: String(opts.front.wss),
        }
        : {}),
    },
  );
  const ports = [opts.ports.sip, opts.ports.ws, ...(tls ? [tls.tlsPort, tls.wssPort] : [])];
  await proc.waitFor("HAProxy's ports", async () => {
    for (const port of ports) {
      const conn = await Deno.connect({ hostname: opts.host, port });
      conn.close();
    }
    return true;
  });
  return proc;
}
