/**
 * The presence consumer's series on the agent's `/metrics`: registrations by transport (now, and
 * how many came and went), whether Kamailio's evapi socket is connected, and what was dropped.
 */
import type { Counter, Registry } from "../metrics/registry.ts";
import { type Transport, TRANSPORTS } from "./messages.ts";

/** The presence consumer's metrics. */
export interface PresenceMetrics {
  /** Sets the current registered contacts per transport (every transport each time). */
  setRegistrations(counts: Record<Transport, number>): void;
  /** Current registered contacts of one transport. */
  registrations(transport: Transport): number;
  /** Sets 1 while connected to Kamailio's evapi socket, else 0. */
  setConnected(connected: boolean): void;
  connected(): boolean;
  /** Contacts that appeared and went, by `transport` and `change` (registered, unregistered). */
  changes: Counter;
  /** Connection outcomes by `result`: connected, refused, lost, malformed. */
  connections: Counter;
  /** Full reads of the location table (`ul.dump`) by `result`: ok, error. */
  resyncs: Counter;
  /** Messages dropped, by `reason`: malformed, unknown, overflow. */
  dropped: Counter;
}

/**
 * A gauge with one series per value of `label` (none when `label` is empty), whose values are
 * also kept here so the consumer can read them back.
 */
function labelledGauge(registry: Registry, name: string, help: string, label: string) {
  const values = new Map<string, number>();
  const gauge = registry.gauge(name, help, undefined, label ? [label] : []);
  return {
    set(key: string, value: number) {
      values.set(key, value);
      if (label) gauge.set({ [label]: key }, value);
      else gauge.set(value);
    },
    get: (key: string) => values.get(key),
  };
}

/** Registers the presence series in `registry` (once per registry: names must be unique). */
export function createPresenceMetrics(registry: Registry): PresenceMetrics {
  const byTransport = labelledGauge(
    registry,
    "careflow_agent_registrations",
    "SIP contacts registered at Kamailio now, by transport.",
    "transport",
  );
  const connected = labelledGauge(
    registry,
    "careflow_agent_evapi_connected",
    "1 while connected to Kamailio's evapi socket (registration events), else 0.",
    "",
  );
  const metrics: PresenceMetrics = {
    setRegistrations(counts) {
      for (const transport of TRANSPORTS) byTransport.set(transport, counts[transport]);
    },
    registrations: (transport) => byTransport.get(transport) ?? 0,
    setConnected(value) {
      connected.set("", value ? 1 : 0);
    },
    connected: () => connected.get("") === 1,
    changes: registry.counter(
      "careflow_agent_registration_changes_total",
      "SIP contacts that registered or went (unregistered, expired), by transport and change.",
      ["transport", "change"],
    ),
    connections: registry.counter(
      "careflow_agent_evapi_connections_total",
      "Connections to Kamailio's evapi socket, by result.",
      ["result"],
    ),
    resyncs: registry.counter(
      "careflow_agent_registration_resyncs_total",
      "Full reads of Kamailio's location table (ul.dump), by result.",
      ["result"],
    ),
    dropped: registry.counter(
      "careflow_agent_registration_messages_dropped_total",
      "Registration messages from Kamailio dropped, by reason.",
      ["reason"],
    ),
  };
  metrics.setRegistrations(Object.fromEntries(TRANSPORTS.map((t) => [t, 0])) as never);
  metrics.setConnected(false);
  for (const result of ["connected", "refused", "lost", "malformed"]) {
    metrics.connections.declare({ result });
  }
  for (const result of ["ok", "error"]) metrics.resyncs.declare({ result });
  for (const reason of ["malformed", "unknown", "overflow"]) metrics.dropped.declare({ reason });
  return metrics;
}
