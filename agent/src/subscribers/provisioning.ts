/**
 * The write side of the directory: upserts and deactivations pushed by web, and the Kamailio
 * invalidations they imply. Kept apart from the HTTP layer so the rules read in one place.
 */
import type { SubscriberUpsert } from "../../../shared/agent-contract.ts";
import type { Invalidation, KamailioInvalidator } from "../kamailio/rpc.ts";
import type { StoredEntry, SubscriberStore } from "./store.ts";

/**
 * What Kamailio must forget after `next` replaces `previous` (null: nothing was cached, so the
 * agent cannot tell what Kamailio holds and assumes the worst).
 * - A changed or removed HA1, or a deactivation, drops Kamailio's cached HA1.
 * - A deactivation or a password rotation removes registrations: devices that registered with the
 *   old password must not keep receiving calls.
 * - A deactivation ends the calls the user is on. A rotation does not: the person is the same.
 */
export function invalidationFor(
  previous: StoredEntry | null,
  next: { ha1: string | null; active: boolean },
): Invalidation {
  if (!next.active) return { dropCachedHa1: true, removeRegistrations: true, endCalls: true };
  if (!previous) return { dropCachedHa1: true, removeRegistrations: true };
  // A cached "unknown user" had no credentials Kamailio could have accepted.
  if (previous.negative) return { dropCachedHa1: true, removeRegistrations: false };
  const ha1Changed = previous.ha1 !== next.ha1;
  const rotated = ha1Changed && previous.ha1 !== null;
  return { dropCachedHa1: ha1Changed, removeRegistrations: rotated };
}

/** Applies provisioning to Redis, then to Kamailio. Redis errors propagate (the caller answers 503). */
export interface Provisioning {
  /** Creates or replaces a subscriber; returns what Kamailio was told to forget. */
  upsert(care4wId: string, body: SubscriberUpsert): Promise<Invalidation>;
  /**
   * Deactivates a subscriber. The entry stays (inactive, no HA1) so lookups answer 404 from Redis
   * without asking web.
   */
  deactivate(care4wId: string): Promise<void>;
}

/**
 * Told each change once it is stored and Kamailio was told, before web gets its answer: the
 * greeting sync notes what it must fetch (null: the subscriber was deactivated). A failure fails
 * the push, which web retries.
 */
export type ProfileListener = (care4wId: string, body: SubscriberUpsert | null) => Promise<void>;

/** Creates the write side over the store and the Kamailio invalidator. */
export function createProvisioning(
  store: SubscriberStore,
  invalidate: KamailioInvalidator,
  onProfile?: ProfileListener,
): Provisioning {
  return {
    async upsert(care4wId, body) {
      const previous = await store.readEntry(care4wId);
      await store.write(care4wId, body);
      const what = invalidationFor(previous, body);
      if (what.dropCachedHa1 || what.removeRegistrations) await invalidate(care4wId, what);
      // After Kamailio was told: a listener failing makes web retry, and the retry no longer
      // sees the change (the entry is already new), so it must not stand between the two.
      await onProfile?.(care4wId, body);
      return what;
    },

    async deactivate(care4wId) {
      await store.write(care4wId, { ha1: null, active: false });
      // Always told, even when already inactive: a repeated delete may be web retrying after a
      // Kamailio outage, and both RPCs are idempotent.
      await invalidate(care4wId, {
        dropCachedHa1: true,
        removeRegistrations: true,
        endCalls: true,
      });
      await onProfile?.(care4wId, null);
    },
  };
}
