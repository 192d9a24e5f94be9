/**
 * System health for admins (`GET /api/admin/health` and the Admin section): the agent, the
 * subscriber changes still waiting for it, SIP registrations as the agent reports them, and this
 * web instance's signaling sockets. Every figure is read, none estimated: what cannot be read
 * says so.
 */
import type { Registry } from "prom-client";
import {
  type AgentProbe,
  type AgentReachability,
  type AgentRegistrations,
  createAgentProbe,
} from "../sip/agent-probe.ts";
import type { AgentOutboxStore } from "../store/mod.ts";

/** Outbox notes read to count its depth; more than this shows as "at least". */
export const OUTBOX_COUNT_LIMIT = 1000;

/** What the health panel and the API show. */
export interface SystemHealth {
  checkedAt: string;
  agent: AgentReachability | { status: "not-configured" };
  registrations: AgentRegistrations | { status: "not-configured" };
  outbox: {
    /** Subscriber changes noted in the store, not yet confirmed by the agent; null: unreadable. */
    pending: number | null;
    /** True when there are at least `pending` (the count stopped at its limit). */
    capped: boolean;
    oldestQueuedAt: string | null;
    /** Changes this instance is retrying now; null without SIP. */
    retryingHere: number | null;
  };
  /** Signaling WebSockets open on this web instance (others count their own). */
  signaling: { sockets: number | null };
}

/** Where the figures come from; `probe` and `retrying` only when SIP is configured. */
export interface HealthSources {
  outbox: Pick<AgentOutboxStore, "listAgentSync">;
  probe?: AgentProbe;
  /** `AgentClient.pending`. */
  retrying?: () => number;
  /** Web's metrics registry, which keeps the signaling socket gauge. */
  metrics: Pick<Registry, "getSingleMetric">;
  now: () => Date;
}

/** The open signaling sockets of this instance, from the `careflow_signaling_sockets` gauge. */
async function signalingSockets(metrics: HealthSources["metrics"]): Promise<number | null> {
  const gauge = metrics.getSingleMetric("careflow_signaling_sockets");
  if (!gauge) return null;
  const { values } = await gauge.get();
  return values[0]?.value ?? 0;
}

/** Reads every figure at once; never rejects for a part that cannot be read. */
export async function systemHealth(sources: HealthSources): Promise<SystemHealth> {
  const [probed, notes, sockets] = await Promise.all([
    sources.probe?.(),
    sources.outbox.listAgentSync(OUTBOX_COUNT_LIMIT + 1).catch(() => null),
    signalingSockets(sources.metrics).catch(() => null),
  ]);
  const pending = notes ? Math.min(notes.length, OUTBOX_COUNT_LIMIT) : null;
  return {
    checkedAt: sources.now().toISOString(),
    agent: probed?.agent ?? { status: "not-configured" },
    registrations: probed?.registrations ?? { status: "not-configured" },
    outbox: {
      pending,
      capped: (notes?.length ?? 0) > OUTBOX_COUNT_LIMIT,
      oldestQueuedAt: notes?.[0]?.queuedAt.toISOString() ?? null,
      retryingHere: sources.retrying ? sources.retrying() : null,
    },
    signaling: { sockets },
  };
}

/** The app's parts the health figures are read from (a structural slice of `AppServices`). */
export interface HealthParts {
  store: HealthSources["outbox"];
  /** The SIP edge when configured: its agent URL and its client's retry queue. */
  sip?: { config: { agentUrl: string }; agent: { pending(): number } };
  metrics: { registry: HealthSources["metrics"] };
  now: () => Date;
}

/** `systemHealth` over the app's parts, with one agent probe made for the app's lifetime. */
export function healthOf(parts: HealthParts, probe?: AgentProbe): () => Promise<SystemHealth> {
  const sip = parts.sip;
  const agentProbe = probe ??
    (sip ? createAgentProbe({ agentUrl: sip.config.agentUrl }) : undefined);
  return () =>
    systemHealth({
      outbox: parts.store,
      probe: agentProbe,
      retrying: sip ? () => sip.agent.pending() : undefined,
      metrics: parts.metrics.registry,
      now: parts.now,
    });
}
