/**
 * Refilling Kamailio's HA1 cache (htable `authcache`) over RPC, for a Kamailio that started while
 * the agent was away: a starting Kamailio reads the cache itself from the agent (ha1-pages.ts),
 * but found nobody to ask, so the agent fills it when it starts. The entries are long-lived HA1s
 * only (ephemeral browser credentials are never cached), and push invalidation (rpc.ts) keeps
 * them current afterwards.
 */
import type { WarnLogger } from "../log.ts";
import type { SubscriberStore } from "../subscribers/store.ts";
import { rpcCall, RpcError, type RpcTarget } from "./json-rpc.ts";

/** What one refill did. */
export interface RefillOutcome {
  entries: number;
  failed: number;
  ms: number;
}

/** Refills on demand; a refill asked for while one runs joins it. */
export interface CacheRefill {
  refill(): Promise<RefillOutcome>;
}

/** Creates the refill over the directory's store and Kamailio's RPC nodes. */
export function createCacheRefill(deps: {
  store: Pick<SubscriberStore, "credentials">;
  nodes: RpcTarget[];
  warn: WarnLogger;
  /** RPC calls in flight per node. */
  concurrency?: number;
}): CacheRefill {
  let running: Promise<RefillOutcome> | null = null;
  const concurrency = deps.concurrency ?? 8;

  async function fill(): Promise<RefillOutcome> {
    const started = performance.now();
    let entries = 0;
    let failed = 0;
    const down = new Set<string>();
    for await (const batch of deps.store.credentials()) {
      for (const node of deps.nodes) {
        if (down.has(node.url)) continue;
        let next = 0;
        const worker = async () => {
          while (next < batch.length && !down.has(node.url)) {
            const { care4wId, ha1 } = batch[next++];
            try {
              await rpcCall(node, "htable.sets", ["authcache", care4wId, ha1]);
              entries++;
            } catch (error) {
              failed++;
              // A node that does not answer is skipped for the rest of this refill (it asks
              // again when it comes back); an entry it refused is just counted.
              if (!(error instanceof RpcError)) down.add(node.url);
            }
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
      }
    }
    const ms = Math.round(performance.now() - started);
    if (failed > 0) {
      deps.warn(`careflow-agent: warning: HA1 cache refill: ${failed} entries not written`);
    }
    return { entries, failed, ms };
  }

  return {
    refill() {
      running ??= fill().finally(() => (running = null));
      return running;
    },
  };
}
