/**
 * Web's Prometheus metrics, on `prom-client` (one registry per app, no globals): requests by
 * route and status with their latency, signaling sockets, calls by mode and outcome as they are
 * written to history, failed sign-ins, and how long after a call's end its record arrived from
 * the agent. Served at `/metrics` to a scraper holding `METRICS_TOKEN`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the rest of web reports; each is a few microseconds. */
export interface WebMetrics {
  registry: Registry;
  request(route: string, method: string, status: number, seconds: number): void;
  socketOpened(): void;
  socketClosed(): void;
  /** A call written to history (`outcome` is its status: completed, missed, busy…). */
  callRecorded(mode: string, outcome: string): void;
  loginFailed(): void;
  /** Seconds from a call's end on the switch to its record arriving here. */
  ingestLag(seconds: number): void;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** A fresh registry with web's metrics and the process's own (memory, CPU, event loop). */
export function createWebMetrics(): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: "careflow_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status.",
    labelNames: ["route", "method", "status"],
    registers,
  });
  const duration = new Histogram({
    name: "careflow_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route pattern and method.",
    labelNames: ["route", "method"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const sockets = new Gauge({
    name: "careflow_signaling_sockets",
    help: "Signaling WebSockets open on this instance.",
    registers,
  });
  const calls = new Counter({
    name: "careflow_calls_total",
    help: "Calls written to history, by mode and outcome.",
    labelNames: ["mode", "outcome"],
    registers,
  });
  const logins = new Counter({
    name: "careflow_login_failures_total",
    help: "Failed sign-ins (wrong password or unknown account).",
    registers,
  });
  const lag = new Histogram({
    name: "careflow_ingest_lag_seconds",
    help: "Seconds from a call's end on the switch to its record reaching web.",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  });
  return {
    registry,
    request(route, method, status, seconds) {
      // A client names any method it likes: only the standard ones get a label of their own.
      const known = METHODS.has(method) ? method : "OTHER";
      requests.inc({ route, method: known, status: String(status) });
      duration.observe({ route, method: known }, seconds);
    },
    socketOpened: () => sockets.inc(),
    socketClosed: () => sockets.dec(),
    callRecorded: (mode, outcome) => calls.inc({ mode, outcome }),
    loginFailed: () => logins.inc(),
    ingestLag: (seconds) => lag.observe(Math.max(0, seconds)),
  };
}
