/**
 * Kamailio's own refill of its HA1 cache when it starts (auth.cfg, event_route[core:worker-one-
 * init]): the long-lived HA1s in pages it can read without a JSON parser, so 10,000 entries cost
 * a few hundred small HTTP round trips instead of one per phone in the re-registration storm that
 * follows a restart. A page is fixed-width records of CareFlow ID (14 characters) and HA1 (32 hex
 * digits), no separators; an empty page is the end. Pages come from one snapshot of the
 * directory, taken on the first page and kept briefly, so paging is stable while Kamailio reads.
 */
import type { SubscriberStore } from "../subscribers/store.ts";

/** Records per page: 40 × 46 characters stay under Kamailio's http_client maxdatasize (2048). */
export const RECORDS_PER_PAGE = 40;

/** Serves the pages. */
export interface Ha1Pages {
  /** Page `n` (from 0): its records, "" past the last one. */
  page(n: number): Promise<string>;
}

/** Creates the pager over the directory's store; a snapshot lives `snapshotMs` (default 30 s). */
export function createHa1Pages(
  store: Pick<SubscriberStore, "credentials">,
  options: { snapshotMs?: number; now?: () => number } = {},
): Ha1Pages {
  const now = options.now ?? Date.now;
  const lifetime = options.snapshotMs ?? 30_000;
  let snapshot: { taken: number; records: Promise<string[]> } | null = null;

  async function take(): Promise<string[]> {
    const records: string[] = [];
    for await (const batch of store.credentials()) {
      // The store yields well-formed IDs (14 characters) and HA1s (32) only: fixed width.
      for (const { care4wId, ha1 } of batch) records.push(care4wId + ha1);
    }
    return records.sort();
  }

  return {
    async page(n) {
      // Page 0 starts a reading with a fresh snapshot. Another node reading meanwhile continues
      // on it: sorted the same, it differs only by the changes since, which its cache misses
      // then look up as usual.
      if (n === 0 || !snapshot || now() - snapshot.taken > lifetime) {
        const records = take();
        snapshot = { taken: now(), records };
        records.catch(() => (snapshot = null));
      }
      const records = await snapshot.records;
      return records.slice(n * RECORDS_PER_PAGE, (n + 1) * RECORDS_PER_PAGE).join("");
    },
  };
}
