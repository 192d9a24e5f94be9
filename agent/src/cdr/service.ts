/**
 * The CDR side as one agent service: the call tracker on the ESL event source, and the CDR folder
 * reconciled at start, on every (re)connection to FreeSWITCH, and (optionally) now and then.
 * Runs of the reconciliation never overlap: one asked for while another runs follows it.
 */
import type { AgentService } from "../agent.ts";
import type { EslEventSource } from "../esl/event.ts";
import type { WarnLogger } from "../log.ts";
import type { EventSink } from "../outbox/sink.ts";
import type { CdrOutcome } from "./cdr-event.ts";
import type { CdrMetrics } from "./metrics.ts";
import { type FolderCall, reconcileCdrFolder, type ReconcileReport } from "./reconcile.ts";
import { type CallTracker, type CallTrackerOptions, createCallTracker } from "./tracker.ts";

/** What the CDR service needs. */
export interface CdrServiceDeps {
  source: EslEventSource;
  sink: Pick<EventSink, "append">;
  metrics: CdrMetrics;
  warn: WarnLogger;
  /** mod_json_cdr's folder (`config.freeswitch.cdrDir`); null: ESL only. */
  cdrDir: string | null;
  /** Also reconcile this often (default: only at start and on reconnect). */
  reconcileEveryMs?: number;
  /** How often idle calls are given up (default 1 min). */
  sweepEveryMs?: number;
  tracker?: Omit<CallTrackerOptions, "sink" | "metrics" | "warn">;
  settleMs?: number;
  nowMs?: () => number;
  /** Told every call taken from the CDR folder (see `ReconcileOptions.onTaken`). */
  onFolderCall?: (call: FolderCall) => Promise<void>;
  /** Sees every call the tracker finished (tests, logging). */
  onOutcome?: (outcome: CdrOutcome) => void;
}

/** The service, with its parts exposed for tests and metrics. */
export interface CdrService extends AgentService {
  tracker: CallTracker;
  /** Runs (or joins the run of) a reconciliation; resolves with the last run's report. */
  reconcile(): Promise<ReconcileReport | null>;
}

/** Builds the service; it listens and reads nothing before `start()`. */
export function createCdrService(deps: CdrServiceDeps): CdrService {
  const tracker = createCallTracker({
    ...deps.tracker,
    sink: deps.sink,
    metrics: deps.metrics,
    warn: deps.warn,
    nowMs: deps.nowMs,
    onOutcome: deps.onOutcome,
  });
  const unsubscribe: Array<() => void> = [];
  const timers: Array<ReturnType<typeof setInterval>> = [];
  let running: Promise<ReconcileReport | null> | null = null;
  let again = false;
  let stopped = true;

  async function runOnce(): Promise<ReconcileReport | null> {
    if (!deps.cdrDir || stopped) return null;
    try {
      return await reconcileCdrFolder({
        dir: deps.cdrDir,
        sink: deps.sink,
        metrics: deps.metrics,
        warn: deps.warn,
        alreadyAppended: tracker.appended,
        onCall: (legs) => tracker.markDone(legs),
        onTaken: deps.onFolderCall,
        settleMs: deps.settleMs,
        nowMs: deps.nowMs,
      });
    } catch (error) {
      // The folder unreadable: said once per run, tried again next time.
      const code = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name;
      deps.warn(`careflow-agent: warning: could not reconcile the CDR folder (${code})`);
      return null;
    }
  }

  function reconcile(): Promise<ReconcileReport | null> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let report = await runOnce();
      while (again) {
        again = false;
        report = await runOnce();
      }
      running = null;
      return report;
    })();
    return running;
  }

  return {
    name: "cdr",
    tracker,
    reconcile,
    start() {
      stopped = false;
      unsubscribe.push(deps.source.onEvent(tracker.handle));
      unsubscribe.push(deps.source.onConnected(() => void reconcile()));
      timers.push(setInterval(() => tracker.sweep(), deps.sweepEveryMs ?? 60_000));
      if (deps.reconcileEveryMs) {
        timers.push(setInterval(() => void reconcile(), deps.reconcileEveryMs));
      }
      // Not awaited: a big backlog must not hold up the agent's start.
      void reconcile();
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      for (const off of unsubscribe.splice(0)) off();
      for (const timer of timers.splice(0)) clearInterval(timer);
      tracker.close();
      await running;
      await tracker.flush();
    },
  };
}
