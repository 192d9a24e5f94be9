/**
 * One signed batch to web: `POST {WEB_URL}/internal/events` with `{events: [...]}`, answered
 * `200 {results: EventResult[]}`, one result per event in the batch's order. Anything else (down,
 * slow, another status, an answer that does not match the batch) is a failure of the whole batch,
 * never a verdict on its events: only web's per-event answers decide an event's fate.
 */
import type { EventResult } from "../../../shared/events.ts";
import { signRequest } from "../../../shared/signing.ts";

/** Why a whole batch was not delivered (a metric label). */
export type DeliveryFailure = "unreachable" | "status" | "answer";

/** Raised when web gave no usable answer for the batch. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(readonly reason: DeliveryFailure, message: string) {
    super(message);
  }
}

/** Posts one batch; `events` are the events' JSON texts (sent as they were stored). */
export type PostBatch = (
  batch: { ids: string[]; json: string[] },
  signal?: AbortSignal,
) => Promise<EventResult[]>;

/** Options of {@link createWebDelivery}. */
export interface WebDeliveryOptions {
  /** Base URL of web, without a trailing slash. */
  webUrl: string;
  secret: string;
  /** A batch not answered within this is retried (web may have applied it: that is fine). */
  timeoutMs?: number;
  /** Clock in unix seconds, for signing (tests). */
  nowSeconds?: () => number;
}

/**
 * Checks web's answer against the batch: one result per event, and a confirmed result must name
 * the event it confirms, so a confused answer can never acknowledge the wrong event.
 */
function checkResults(json: unknown, ids: string[]): EventResult[] {
  const results = (json as { results?: unknown })?.results;
  if (!Array.isArray(results) || results.length !== ids.length) {
    throw new DeliveryError("answer", "web's answer does not have one result per event");
  }
  results.forEach((result: Partial<EventResult> & { error?: unknown }, i) => {
    const good = result?.ok === true
      ? result.id === ids[i]
      : result?.ok === false && typeof result.error === "string";
    if (!good) throw new DeliveryError("answer", `web's result ${i} does not match the batch`);
  });
  return results as EventResult[];
}

/** Creates the poster. */
export function createWebDelivery(options: WebDeliveryOptions): PostBatch {
  const url = new URL(`${options.webUrl}/internal/events`);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return async (batch, signal) => {
    // The stored JSON is sent as is: no parse and stringify round trip per event.
    const body = `{"events":[${batch.json.join(",")}]}`;
    const headers = signRequest({
      secret: options.secret,
      method: "POST",
      path: url.pathname,
      body,
      now: options.nowSeconds?.(),
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", accept: "application/json" },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new DeliveryError("unreachable", `web unreachable: ${(error as Error).name}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new DeliveryError("status", `web answered ${response.status}`);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      const name = (error as Error).name;
      // A body cut off by a dying web is "unreachable": the batch may or may not be applied.
      throw new DeliveryError(
        name === "SyntaxError" ? "answer" : "unreachable",
        `web's answer unreadable: ${name}`,
      );
    }
    return checkResults(json, batch.ids);
  };
}

/**
 * True when web's error for one event says it was not applied for a passing reason (its store
 * failed) rather than refused: web answers those `could not be applied; send it again`. Such an
 * event is retried like a failed batch and never dead-lettered. An explicit `retry: true`, should
 * web add one to its results, is honoured as well.
 */
export function isTransientError(result: EventResult): boolean {
  if (result.ok) return false;
  return (result as { retry?: unknown }).retry === true || /send it again/i.test(result.error);
}
