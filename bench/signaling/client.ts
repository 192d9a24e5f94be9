/** Benchmark clients: one WebSocket per simulated tab, and the invite → accept → hangup cycle. */
import { parseServerMessage, type ServerMessage } from "../../shared/signal.ts";
import { connectTextSocket } from "./ws-client.ts";

/** A connected bench tab. */
export interface BenchTab {
  care4wId: string;
  send(message: Record<string, unknown>): void;
  /** Resolves with the next frame of `type` for `callId`; rejects on an error or end frame. */
  next(type: ServerMessage["type"], callId: string): Promise<ServerMessage>;
  close(): Promise<void>;
}

interface Waiter {
  type: ServerMessage["type"];
  resolve(frame: ServerMessage): void;
  reject(error: Error): void;
}

/** Opens a tab and waits for its presence frame (it can then receive calls). */
export async function openBenchTab(
  url: string,
  headers: Record<string, string> = {},
): Promise<BenchTab> {
  // A signed-in socket proves it comes from our pages, as a browser's does (Origin).
  const origin = new URL(url.replace(/^ws/, "http")).origin;
  const socket = await connectTextSocket(url, { origin, ...headers });
  // One pending wait per call: a cycle waits for one frame at a time.
  const waiters = new Map<string, Waiter>();
  return await new Promise((resolve, reject) => {
    const listening = socket.listen((text) => {
      const parsed = parseServerMessage(text);
      if (!parsed.ok) return;
      const frame = parsed.message;
      if (frame.type === "presence") {
        return resolve({
          care4wId: frame.care4wId,
          send: (message) => void socket.send(JSON.stringify(message)).catch(() => {}),
          next: (type, callId) =>
            new Promise((res, rej) => waiters.set(callId, { resolve: res, reject: rej, type })),
          close: () => (socket.close(), listening),
        });
      }
      if (!("callId" in frame) || !frame.callId) return;
      const waiter = waiters.get(frame.callId);
      if (!waiter) return;
      if (frame.type === waiter.type) {
        waiters.delete(frame.callId);
        waiter.resolve(frame);
      } else if (frame.type === "error" || frame.type === "ended") {
        waiters.delete(frame.callId);
        waiter.reject(new Error(frame.type === "error" ? frame.code : frame.reason));
      }
    });
    listening.then(() => reject(new Error(`${url} closed before presence`)), reject);
  });
}

/** One invite → accept → hangup cycle; pushes the three relay latencies (ms) to `latencies`. */
export async function callCycle(caller: BenchTab, callee: BenchTab, latencies: number[]) {
  const callId = crypto.randomUUID();
  const relay = async (from: BenchTab, to: BenchTab, type: "invite" | "accept" | "hangup") => {
    const arrived = to.next(type, callId);
    const start = performance.now();
    from.send(type === "invite" ? { type, callId, to: to.care4wId } : { type, callId });
    await arrived;
    latencies.push(performance.now() - start);
  };
  await relay(caller, callee, "invite");
  await relay(callee, caller, "accept");
  await relay(caller, callee, "hangup");
}

/** The `p`th percentile (0-100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
