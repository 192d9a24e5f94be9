/**
 * A minimal signaling server for the benchmark: the real call service and hub behind a bare
 * `Deno.serve` WebSocket on 127.0.0.1, with users picked by `?user=N` instead of a session. It
 * measures the signaling layer without the web app's auth; never expose it.
 */
import type { Hub } from "../../web/signal/hub.ts";
import { createCallService } from "../../web/calls/service.ts";
import type { CallUser } from "../../web/calls/rules.ts";

/** The bench user number `n` (0-based). */
export function benchUser(n: number): CallUser {
  return {
    userId: `bench-${n}`,
    care4wId: `care4w-${1_000_001 + n}`,
    displayName: `Bench ${n}`,
  };
}

/** A running bench server. */
export interface BenchServer {
  url: string;
  records: () => number;
  close(): Promise<void>;
}

/** Starts a bench server on an ephemeral port using `hub`. */
export function startBenchServer(hub: Hub): BenchServer {
  let records = 0;
  const service = createCallService({
    hub,
    recordCall: () => void records++,
    lookupUser: (care4wId) => {
      const n = Number(care4wId.slice("care4w-".length)) - 1_000_001;
      return Number.isInteger(n) && n >= 0 ? benchUser(n) : null;
    },
    // The bench places calls far faster than a person: lift the per-user attempt limit.
    maxAttemptsPerMinute: 1_000_000,
    maxConcurrentCalls: 100_000,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const n = Number(new URL(request.url).searchParams.get("user"));
    if (!Number.isInteger(n) || n < 0) return new Response("user required", { status: 400 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    const id = crypto.randomUUID();
    socket.onopen = () => {
      service.connect(benchUser(n), id, (frame) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
      }).catch(() => socket.close());
    };
    socket.onmessage = (event) => void service.receive(id, event.data);
    socket.onclose = () => void service.disconnect(id);
    return response;
  });
  return {
    url: `ws://127.0.0.1:${server.addr.port}/`,
    records: () => records,
    async close() {
      await service.close();
      await server.shutdown();
    },
  };
}
