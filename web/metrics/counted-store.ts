import type { LoginThrottle } from "../auth/login-throttle.ts";
import type { Store } from "../store/mod.ts";
import type { WebMetrics } from "./mod.ts";

/**
 * The store, counting each call record as it is really written (a retried webhook or a
 * redelivered event writes nothing and counts nothing), whichever path wrote it: browser calls,
 * Twilio's callbacks, the switch's CDRs. The ingest lag is measured on the same writes.
 */
export function countingCalls(store: Store, metrics: WebMetrics, now: () => Date): Store {
  const counted = Object.create(store) as Store;
  counted.insertCall = async (call) => {
    const inserted = await store.insertCall(call);
    if (inserted) metrics.callRecorded(call.mode, call.status);
    return inserted;
  };
  counted.applyEvents = async (writes) => {
    const results = await store.applyEvents(writes);
    writes.forEach((write, n) => {
      if (results[n] !== "applied" || !write.call) return;
      metrics.callRecorded(write.call.mode, write.call.status);
      metrics.ingestLag((now().getTime() - write.call.endedAt.getTime()) / 1000);
    });
    return results;
  };
  return counted;
}

/** The sign-in throttle, counting each failed sign-in it is told of (by account or device). */
export function countingFailures(throttle: LoginThrottle, metrics: WebMetrics): LoginThrottle {
  return {
    ...throttle,
    failed(key) {
      metrics.loginFailed();
      return throttle.failed(key);
    },
  };
}
