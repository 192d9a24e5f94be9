/**
 * What every part of the MongoDB store shares: recognising duplicate-key errors and the atomic
 * counter. Uniqueness lives in indexes (so it holds across app instances); no transactions, as
 * they need a replica set.
 */
import type { Collection, Document } from "mongodb";

const DUPLICATE_KEY = 11000;

/** True for MongoDB's duplicate-key error (a unique index refused a write). */
export function isDuplicateKey(error: unknown): error is { code: number; keyPattern?: Document } {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY;
}

export type CounterDoc = { _id: string; value: number };

/** Atomically increments the named counter and returns its new value (first value 1). */
export async function nextCounter(counters: Collection<CounterDoc>, name: string) {
  const increment = () =>
    counters.findOneAndUpdate(
      { _id: name },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: "after" },
    );
  try {
    return (await increment())!.value;
  } catch (error) {
    // Two first-ever upserts of one counter can race to insert it; the loser's retry increments.
    if (!isDuplicateKey(error)) throw error;
    return (await increment())!.value;
  }
}
