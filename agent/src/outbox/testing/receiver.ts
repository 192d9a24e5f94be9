/**
 * Test helper: a real HTTP server (Bun.serve on 127.0.0.1) playing web's `POST /internal/events`
 * as its contract says: signature verified (`shared/signing.ts`), one result per event, applied
 * once by id (`duplicate` afterwards). The test decides per event (apply, refuse, "send it
 * again") and for the whole request (a status such as 503, as a web that is down or failing).
 */
import { verifyRequest } from "../../../../shared/signing.ts";

/** The receiver's answer for one event. */
export type Verdict = "apply" | { refuse: string } | "transient";

/** A running receiver. */
export interface Receiver {
  url: string;
  /** Times each event id was applied (should end at 1 for each). */
  applied: Map<string, number>;
  /** Every event id received, in order, redeliveries included. */
  received: string[];
  /** Batch sizes of the requests answered 200. */
  batches: number[];
  /** Requests refused for a bad signature. */
  unsigned: number;
  /** Per-event verdict (default: apply). */
  judge(verdict: (id: string) => Verdict): void;
  /** Status for whole requests; null answers normally. */
  failWith(status: number | null): void;
  stop(): Promise<void>;
}

/** Starts a receiver that verifies requests with `secret`. */
export function startReceiver(secret: string): Receiver {
  let verdict: (id: string) => Verdict = () => "apply";
  let status: number | null = null;
  const receiver: Receiver = {
    url: "",
    applied: new Map(),
    received: [],
    batches: [],
    unsigned: 0,
    judge: (next) => void (verdict = next),
    failWith: (next) => void (status = next),
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.text();
      const url = new URL(request.url);
      const check = verifyRequest({
        secret,
        method: request.method,
        path: url.pathname,
        body,
        headers: request.headers,
      });
      if (!check.ok || url.pathname !== "/internal/events") {
        receiver.unsigned++;
        return new Response("refused", { status: 401 });
      }
      if (status !== null) return new Response("failing", { status });
      const { events } = JSON.parse(body) as { events: { id: string }[] };
      receiver.batches.push(events.length);
      const results = events.map(({ id }) => {
        receiver.received.push(id);
        const v = verdict(id);
        if (v === "transient") {
          return { id, ok: false, error: "could not be applied; send it again" };
        }
        if (typeof v === "object") return { id, ok: false, error: v.refuse };
        const before = receiver.applied.get(id) ?? 0;
        if (before === 0) receiver.applied.set(id, 1);
        return { id, ok: true, duplicate: before > 0 };
      });
      return Response.json({ results });
    },
  });
  receiver.url = `http://127.0.0.1:${server.port}`;
  return receiver;
}
