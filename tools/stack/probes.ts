/** Readiness probes for the stack's components, and Kamailio's JSON-RPC client. */
import dgram from "node:dgram";

/** Sends one ng command (bencode over UDP); resolves to the raw reply, or null on timeout. */
function ngCommand(host: string, port: number, command: string, timeoutMs: number) {
  return new Promise<string | null>((resolve) => {
    const socket = dgram.createSocket("udp4");
    const cookie = `careflow${crypto.randomUUID().slice(0, 8)}`;
    const done = (reply: string | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("message", (msg) => {
      const text = msg.toString("latin1");
      if (text.startsWith(`${cookie} `)) done(text.slice(cookie.length + 1));
    });
    socket.on("error", () => done(null));
    socket.send(`${cookie} d7:command${command.length}:${command}e`, port, host);
  });
}

/** Sends an ng `ping` and expects `pong`. */
export async function rtpenginePing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return (await ngCommand(host, port, "ping", timeoutMs))?.includes("pong") ?? false;
}

/** Call-IDs RTPEngine holds (ng `list`); throws when it does not answer. */
export async function rtpengineCalls(host: string, port: number): Promise<string[]> {
  const reply = await ngCommand(host, port, "list", 1000);
  const start = reply?.indexOf("5:callsl") ?? -1;
  if (reply === null || start < 0) throw new Error(`rtpengine list: no answer (${reply})`);
  // The list is bencoded strings, "<length>:<bytes>" each, up to the closing "e".
  const calls: string[] = [];
  let at = start + "5:callsl".length;
  while (reply[at] !== "e") {
    const colon = reply.indexOf(":", at);
    const length = Number(reply.slice(at, colon));
    if (colon < 0 || !Number.isInteger(length)) throw new Error(`rtpengine list: ${reply}`);
    calls.push(reply.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return calls;
}

/** True when `url` answers with anything but a server error. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.body?.cancel();
  return response.status < 500;
}

/**
 * One Kamailio node's JSON-RPC: its URL and the secret it asks of callers (KAMAILIO_API_SECRET,
 * sent as HTTP Basic `agent:<secret>`; see the agent's kamailio/json-rpc.ts).
 */
export interface KamailioRpcTarget {
  url: string;
  secret: string;
}

/** Calls Kamailio's JSON-RPC and returns `result` (throws on an RPC error). */
export async function kamailioRpc(
  target: KamailioRpcTarget,
  method: string,
  params: unknown[] = [],
): Promise<unknown> {
  const response = await fetch(target.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${btoa(`agent:${target.secret}`)}`,
    },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
    signal: AbortSignal.timeout(2000),
  });
  const reply = await response.json() as { result?: unknown; error?: { message: string } };
  if (reply.error) throw new Error(`kamailio rpc ${method}: ${reply.error.message}`);
  return reply.result;
}
