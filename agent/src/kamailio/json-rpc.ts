/**
 * The agent's one way to talk to Kamailio's JSON-RPC (jsonrpcs over HTTP on loopback). Kamailio
 * serves RPC only to a caller that proves itself with HTTP Basic `agent:<KAMAILIO_API_SECRET>`
 * (kamailio.cfg, event_route[xhttp:request]): RPC can lift bans and write the HA1 cache, so no
 * other local process may use it.
 */

/** Where one Kamailio node's RPC listens and the secret the agent shares with it. */
export interface RpcTarget {
  url: string;
  /** KAMAILIO_API_SECRET; null sends no credential (a Kamailio started without one). */
  secret: string | null;
}

/** A JSON-RPC error answer: `code` is Kamailio's (404 for a key or AOR it does not hold). */
export class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The Authorization header value for `secret`. */
export function rpcAuthorization(secret: string): string {
  return `Basic ${btoa(`agent:${secret}`)}`;
}

/**
 * Calls `method` once. Resolves with the result; rejects with an RpcError for an error answer,
 * an Error naming the HTTP status for an answer that is not JSON-RPC, or the network error.
 */
export async function rpcCall(
  target: RpcTarget,
  method: string,
  params: unknown[] = [],
  timeoutMs = 1000,
): Promise<unknown> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.secret) headers.authorization = rpcAuthorization(target.secret);
  const response = await fetch(target.url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let reply: { result?: unknown; error?: { code?: number; message?: string } };
  try {
    reply = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}`);
  }
  if (reply.error) {
    throw new RpcError(
      reply.error.code ?? 0,
      `rpc error ${reply.error.code ?? "?"} ${reply.error.message ?? ""}`,
    );
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return reply.result;
}
