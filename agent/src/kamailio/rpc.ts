/**
 * Kamailio JSON-RPC (jsonrpcs over HTTP, loopback only) used to make provisioning changes take
 * effect at once: drop a cached HA1 from htable `authcache` (keyed by the auth username, which for
 * long-lived credentials is the CareFlow ID) and remove registrations from usrloc table `location`
 * (use_domain=0, so the AOR is the plain ID). Failures are logged and counted, never thrown:
 * provisioning must still succeed when Kamailio is down (it then has an empty cache anyway).
 */
import type { WarnLogger } from "../log.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";

/** What to invalidate for one subscriber. */
export interface Invalidation {
  /** Drop the cached HA1 from Kamailio's htable. */
  dropCachedHa1: boolean;
  /** Remove every registration of the user. */
  removeRegistrations: boolean;
}

/** Sends invalidations; resolves when Kamailio answered or the attempt failed. */
export type KamailioInvalidator = (care4wId: string, what: Invalidation) => Promise<void>;

const RPC_TIMEOUT_MS = 1000;

/** One JSON-RPC call; null on success, else a short reason (never a secret). */
async function callOnce(
  url: string,
  method: string,
  params: string[],
  id: number,
): Promise<string | null> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id }),
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
  });
  const text = await response.text();
  let reply: { error?: { code?: number; message?: string } } = {};
  try {
    reply = JSON.parse(text);
  } catch {
    return `HTTP ${response.status}`;
  }
  // Kamailio answers 404 when the key or AOR is not there: what we wanted gone already is.
  if (reply.error?.code === 404) return null;
  if (reply.error) return `rpc error ${reply.error.code ?? "?"} ${reply.error.message ?? ""}`;
  return response.ok ? null : `HTTP ${response.status}`;
}

/** A call with one retry on a network error (a keep-alive socket Kamailio closed meanwhile). */
async function call(url: string, method: string, params: string[], id: number) {
  for (let attempt = 0;; attempt++) {
    try {
      return await callOnce(url, method, params, id);
    } catch (error) {
      if (attempt >= 1 || (error as Error).name === "TimeoutError") return (error as Error).name;
    }
  }
}

/**
 * Creates the invalidator. With no URL it does nothing (Kamailio not configured), so callers need
 * no special case.
 */
export function createKamailioInvalidator(
  url: string | null,
  metrics: AgentMetrics,
  warn: WarnLogger = console.warn,
  peers: string[] = [],
): KamailioInvalidator {
  return async (care4wId, what) => {
    if (!url) return;
    const calls: Array<[string, string, string[], number]> = [];
    // Each node caches HA1s of its own; registrations are one table (in Redis) for every node.
    if (what.dropCachedHa1) {
      for (const node of [url, ...peers]) {
        calls.push([node, "htable.delete", ["authcache", care4wId], 1]);
      }
    }
    if (what.removeRegistrations) calls.push([url, "ul.rm", ["location", care4wId], 2]);
    for (const [node, method, params, id] of calls) {
      const failure = await call(node, method, params, id);
      if (failure) {
        metrics.kamailioRpcFailures.inc({ method });
        warn(`careflow-agent: warning: kamailio ${method} for ${care4wId} failed: ${failure}`);
      }
    }
  };
}
