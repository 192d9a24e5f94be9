/**
 * The subscriber directory the Kamailio callbacks read: Redis first, web on a miss. The answer
 * from web is cached (positive for good, negative for `NEGATIVE_TTL_SECONDS`), so an agent
 * restarted with an empty Redis heals itself on first use. Concurrent misses for the same user
 * share one web fetch.
 */
import type { SubscriberRecord, SubscriberUpsert } from "../../../shared/agent-contract.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import type { Subscriber, SubscriberStore } from "./store.ts";
import { type WebLookup, WebUnavailableError } from "./web-client.ts";

/** How long "web does not know this user" is remembered. */
export const NEGATIVE_TTL_SECONDS = 30;

/** What the directory keeps of web's record (or of a provisioning push): no undefined fields. */
export function subscriberOf(record: SubscriberRecord | SubscriberUpsert): Subscriber {
  const subscriber: Subscriber = { ha1: record.ha1, active: record.active };
  if (record.displayName !== undefined) subscriber.displayName = record.displayName;
  if (record.recordCalls) subscriber.recordCalls = true;
  if (record.e164) subscriber.e164 = record.e164;
  if (record.doNotDisturb) subscriber.doNotDisturb = true;
  if (record.allowDirectCalls === false) subscriber.allowDirectCalls = false;
  if (record.blockAnonymousCalls) subscriber.blockAnonymousCalls = true;
  return subscriber;
}

/** Raised when the directory cannot answer; the caller turns it into a 503. */
export class DirectoryUnavailableError extends Error {
  override name = "DirectoryUnavailableError";
  constructor(readonly source: "redis" | "web", message: string) {
    super(message);
  }
}

/** Options of {@link createSubscriberDirectory}. */
export interface DirectoryOptions {
  store: SubscriberStore;
  metrics: AgentMetrics;
  /** Web fetcher; null when WEB_URL is not configured (a miss then means unknown). */
  web: WebLookup | null;
  negativeTtlSeconds?: number;
}

/** Read side of the directory with miss handling. */
export interface SubscriberDirectory {
  /**
   * The subscriber (active or not), or null when nobody by that ID exists.
   * Throws {@link DirectoryUnavailableError} when Redis or web fails.
   */
  lookup(care4wId: string): Promise<Subscriber | null>;
}

/** Creates the directory over the store, healing misses from web when it is configured. */
export function createSubscriberDirectory(options: DirectoryOptions): SubscriberDirectory {
  const { store, metrics, web } = options;
  const negativeTtl = options.negativeTtlSeconds ?? NEGATIVE_TTL_SECONDS;
  const inflight = new Map<string, Promise<Subscriber | null>>();

  async function fetchAndCache(fetchFromWeb: WebLookup, care4wId: string) {
    let value: Subscriber | null;
    try {
      const record = await fetchFromWeb(care4wId);
      value = record ? subscriberOf(record) : null;
      metrics.webFetches.inc({ result: record ? "found" : "not_found" });
    } catch (error) {
      metrics.webFetches.inc({ result: "error" });
      const message = error instanceof WebUnavailableError ? error.message : "web fetch failed";
      throw new DirectoryUnavailableError("web", message);
    }
    try {
      const filled = await store.fillIfAbsent(care4wId, value, negativeTtl);
      // A provisioning write won the race: it is newer than what web told us a moment ago.
      if (!filled) return await store.read(care4wId);
    } catch {
      // The answer is still right; only caching it failed. Count it and answer anyway.
      metrics.redisErrors.inc();
    }
    return value;
  }

  return {
    async lookup(care4wId) {
      let cached: Subscriber | null;
      try {
        cached = await store.read(care4wId);
      } catch (error) {
        metrics.redisErrors.inc();
        throw new DirectoryUnavailableError("redis", `redis read failed: ${(error as Error).name}`);
      }
      if (cached) return cached;
      if (!web) return null;

      let pending = inflight.get(care4wId);
      if (!pending) {
        pending = fetchAndCache(web, care4wId).finally(() => inflight.delete(care4wId));
        inflight.set(care4wId, pending);
      }
      return await pending;
    },
  };
}
