/** Readiness probes for the stack's components, and Kamailio's JSON-RPC client. */
import dgram from "node:dgram";

export async function redisPing(host: string, port: number): Promise<boolean> {
  const conn = await Deno.connect({ hostname: host, port });
  try {
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
  } finally {
    conn.close();
  }
}

/** Sends an ng `ping` (bencode over UDP) and expects `pong`. */
export function rtpenginePing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, timeoutMs);
    socket.on("message", (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg.toString().includes("pong"));
    });
    socket.on("error", () => {
      clearTimeout(timer);
      socket.close();
      resolve(false);
    });
    socket.send("careflowping d7:command4:pinge", port, host);
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.status < 500;
}

/** Calls Kamailio's JSON-RPC and returns `result` (throws on an RPC error). */
export async function kamailioRpc(
  rpcUrl: string,
  method: string,
  params: unknown[] = [],
): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
    signal: AbortSignal.timeout(2000),
  });
  const reply = await response.json() as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(`kamailio rpc ${method}: ${reply.error.message}`);
  return reply.result;
}
