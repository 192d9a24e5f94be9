/**
 * The presence consumer: connects to Kamailio's evapi socket (pbx/kamailio/presence.cfg), turns
 * registrations, unregistrations and expiries into `registration` and `presence` events and
 * appends them to the outbox (EventSink), in the order they happened.
 *
 * Kamailio drops evapi messages while nobody is connected, so on every (re)connect, and every
 * `resyncIntervalMs`, the consumer reads the whole location table (`ul.dump` over JSON-RPC, or
 * db_redis's keys when the nodes keep registrations in Redis: redis-locations.ts) and
 * reconciles: whatever changed meanwhile still reaches web. What was told to web is kept
 * (PresenceStateStore) after each change, so a restart also finds the devices that went while
 * the agent was away. An event is appended before its state is kept: a crash in between appends
 * the same event (same id) again on the next run, and web keeps one.
 */
import { rpcCall, type RpcTarget } from "../kamailio/json-rpc.ts";
import net from "node:net";
import type { WarnLogger } from "../log.ts";
import type { EventSink } from "../outbox/sink.ts";
import { type Contact, parseLocationDump, parseRegistrationMessage } from "./messages.ts";
import type { PresenceMetrics } from "./metrics.ts";
import { NetstringDecoder, NetstringError } from "./netstring.ts";
import type { PresenceStateStore } from "./state-store.ts";
import { type PresenceChange, PresenceTracker } from "./tracker.ts";

/** How to reach Kamailio and where the events go. */
export interface PresenceOptions {
  /** Kamailio's evapi socket (EVAPI_BIND). */
  evapi: { host: string; port: number };
  /** Kamailio's JSON-RPC URL for `ul.dump`; null: no resync (events only). */
  rpcUrl: string | null;
  /** KAMAILIO_API_SECRET, which Kamailio's RPC asks of the agent. */
  rpcSecret?: string | null;
  /**
   * Where the resync reads the location table instead of `ul.dump`: db_redis's keys when the
   * nodes keep registrations in Redis (usrloc DB-only has no table in memory to dump).
   */
  readLocations?: () => Promise<Map<string, Contact[]>>;
  sink: EventSink;
  store: PresenceStateStore;
  metrics: PresenceMetrics;
  warn?: WarnLogger;
  /** Full resync period while connected (default 5 minutes). */
  resyncIntervalMs?: number;
  /** Reconnect and retry backoff (default 500 ms doubling to 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Most messages waiting; past it the oldest are dropped and a resync is queued. */
  maxQueue?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** The running consumer; an `AgentService` of agent.ts (named here so Deno tests need no Bun). */
export interface PresenceService {
  name: string;
  /** Loads the kept state and connects (reconnecting with backoff until stopped). */
  start(): Promise<void>;
  /** Disconnects and waits for the message being handled. */
  stop(): Promise<void>;
  /** Resolves once every message received so far has been handled. */
  idle(): Promise<void>;
  /** The tracker's view: is `care4wId` online. */
  online(care4wId: string): boolean;
}

type Task = { kind: "payload"; payload: string } | { kind: "resync" };

const RPC_TIMEOUT_MS = 5000;

type Backoff = { initialMs: number; maxMs: number };

/** Exponential backoff with jitter: between half and all of the attempt's ceiling. */
function backoffDelay(backoff: Backoff, attempt: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kamailio's location table (`ul.dump` over JSON-RPC); throws when it cannot be read. */
async function fetchLocationDump(rpc: RpcTarget): Promise<Map<string, Contact[]>> {
  return parseLocationDump(await rpcCall(rpc, "ul.dump", [], RPC_TIMEOUT_MS));
}

/** What the change writer needs from the running service. */
interface WriterContext {
  sink: EventSink;
  store: PresenceStateStore;
  metrics: PresenceMetrics;
  warn: WarnLogger;
  tracker: () => PresenceTracker;
  stopped: () => boolean;
  delay: (attempt: number) => number;
}

/**
 * Writes changes out: each change's events appended to the outbox (retried while it is down),
 * then counted and its state kept.
 */
function createChangeWriter(ctx: WriterContext): (changes: PresenceChange[]) => Promise<void> {
  const { sink, store, metrics, warn } = ctx;

  /** Appends, retrying while the outbox is down; false when stopped meanwhile. */
  async function appendAll(change: PresenceChange): Promise<boolean> {
    for (const event of change.events) {
      for (let attempt = 1;; attempt++) {
        try {
          await sink.append(event);
          break;
        } catch (error) {
          if (ctx.stopped()) return false;
          warn(`careflow-agent: warning: presence event not appended: ${(error as Error).name}`);
          await sleep(ctx.delay(attempt));
        }
      }
    }
    return true;
  }

  async function keep(change: PresenceChange) {
    try {
      await store.saveAor(change.aor, change.state);
    } catch (error) {
      // Only a restart needs it, and the next change of this AOR writes it again.
      warn(`careflow-agent: warning: presence state not kept: ${(error as Error).name}`);
    }
  }

  return async (changes) => {
    for (const change of changes) {
      if (!await appendAll(change)) return;
      for (const c of change.added) {
        metrics.changes.inc({ transport: c.transport, change: "registered" });
      }
      for (const c of change.removed) {
        metrics.changes.inc({ transport: c.transport, change: "unregistered" });
      }
      if (change.events.length > 0 || change.state === null) await keep(change);
    }
    metrics.setRegistrations(ctx.tracker().byTransport());
  };
}

/** A bounded FIFO of tasks run one at a time, in order. */
interface TaskQueue {
  enqueue(task: Task): void;
  /** Resolves once the queue is empty and nothing runs. */
  idle(): Promise<void>;
  /** The task being run, if any. */
  running(): Promise<void> | null;
}

function createTaskQueue(
  maxQueue: number,
  run: (task: Task) => Promise<void>,
  ctx: { metrics: PresenceMetrics; warn: WarnLogger; stopped: () => boolean },
): TaskQueue {
  const queue: Task[] = [];
  let draining: Promise<void> | null = null;
  const idleWaiters: (() => void)[] = [];

  function drain() {
    draining ??= (async () => {
      while (queue.length > 0 && !ctx.stopped()) {
        try {
          await run(queue.shift()!);
        } catch (error) {
          ctx.warn(`careflow-agent: warning: presence message failed: ${(error as Error).name}`);
        }
      }
      draining = null;
      if (queue.length === 0) { for (const wake of idleWaiters.splice(0)) wake(); }
    })();
  }

  return {
    enqueue(task) {
      if (queue.length >= maxQueue) {
        // Kept bounded while the outbox is down: what is dropped, the resync finds again.
        queue.shift();
        ctx.metrics.dropped.inc({ reason: "overflow" });
        if (!queue.some((t) => t.kind === "resync")) queue.push({ kind: "resync" });
      }
      queue.push(task);
      drain();
    },
    idle() {
      if (queue.length === 0 && !draining) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    running: () => draining,
  };
}

/** One evapi connection: netstring payloads out, connection outcomes counted. */
function openEvapi(
  evapi: { host: string; port: number },
  metrics: PresenceMetrics,
  on: { connected(): void; payload(payload: string): void; closed(conn: net.Socket): void },
): net.Socket {
  const decoder = new NetstringDecoder();
  const conn = net.connect({ host: evapi.host, port: evapi.port });
  let established = false;
  conn.on("connect", () => {
    established = true;
    metrics.connections.inc({ result: "connected" });
    metrics.setConnected(true);
    on.connected();
  });
  conn.on("data", (chunk: Uint8Array) => {
    let payloads: string[];
    try {
      payloads = decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof NetstringError)) throw error;
      metrics.connections.inc({ result: "malformed" });
      metrics.dropped.inc({ reason: "malformed" });
      conn.destroy();
      return;
    }
    for (const payload of payloads) on.payload(payload);
  });
  conn.on("error", () => {
    // "close" follows; the outcome is counted there.
  });
  conn.on("close", () => {
    metrics.setConnected(false);
    metrics.connections.inc({ result: established ? "lost" : "refused" });
    on.closed(conn);
  });
  return conn;
}

/** Creates the consumer; nothing connects before `start()`. */
export function createPresenceService(options: PresenceOptions): PresenceService {
  const { metrics, store } = options;
  const warn = options.warn ?? console.warn;
  const now = options.now ?? Date.now;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const delay = (attempt: number) => backoffDelay(backoff, attempt);
  let tracker = new PresenceTracker();
  let socket: net.Socket | null = null;
  let stopped = true;
  let attempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let resyncTimer: ReturnType<typeof setInterval> | undefined;
  const isStopped = () => stopped;
  const handle = createChangeWriter({
    sink: options.sink,
    store,
    metrics,
    warn,
    tracker: () => tracker,
    stopped: isStopped,
    delay,
  });

  const rpcUrl = options.rpcUrl;
  const readLocations = options.readLocations ??
    (rpcUrl ? () => fetchLocationDump({ url: rpcUrl, secret: options.rpcSecret ?? null }) : null);

  async function resync() {
    if (!readLocations) return;
    const startedMicros = now() * 1000;
    let dump;
    try {
      dump = await readLocations();
    } catch (error) {
      metrics.resyncs.inc({ result: "error" });
      warn(
        `careflow-agent: warning: reading Kamailio's locations failed: ${(error as Error).name}`,
      );
      return;
    }
    metrics.resyncs.inc({ result: "ok" });
    await handle(tracker.reconcile(dump, startedMicros));
    await store.saveWatermark(tracker.watermark).catch(() => {});
  }

  async function run(task: Task) {
    if (task.kind === "resync") return await resync();
    const message = parseRegistrationMessage(task.payload);
    if (!message) {
      metrics.dropped.inc({ reason: "unknown" });
      return;
    }
    const change = tracker.apply(message);
    if (change) await handle([change]);
  }

  const tasks = createTaskQueue(options.maxQueue ?? 10_000, run, {
    metrics,
    warn,
    stopped: isStopped,
  });

  function connect() {
    socket = openEvapi(options.evapi, metrics, {
      connected() {
        attempts = 0;
        tasks.enqueue({ kind: "resync" });
      },
      payload: (payload) => tasks.enqueue({ kind: "payload", payload }),
      closed(conn) {
        if (socket === conn) socket = null;
        if (stopped) return;
        attempts++;
        reconnectTimer = setTimeout(connect, delay(attempts));
      },
    });
  }

  return {
    name: "presence",
    async start() {
      if (!stopped) return;
      stopped = false;
      try {
        tracker = new PresenceTracker(await store.load());
      } catch (error) {
        // The first dump still gives every device that is there; only the ones that went while
        // the agent was away cannot be told offline.
        warn(`careflow-agent: warning: presence state not loaded: ${(error as Error).name}`);
      }
      metrics.setRegistrations(tracker.byTransport());
      connect();
      resyncTimer = setInterval(() => {
        if (socket && metrics.connected()) tasks.enqueue({ kind: "resync" });
      }, options.resyncIntervalMs ?? 5 * 60_000);
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(resyncTimer);
      socket?.destroy();
      socket = null;
      await tasks.running();
    },
    idle: () => tasks.idle(),
    online: (care4wId) => tracker.online(care4wId),
  };
}
