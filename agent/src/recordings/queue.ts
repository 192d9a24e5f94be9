/**
 * The job queue's running half, in memory over the persisted jobs: runs ready jobs a few at a
 * time, retries a failed one with exponential backoff and jitter (forever: a recording is never
 * dropped because web or the store was down for long), waits on a job that is not ready without
 * counting it as failed, and parks a job that cannot succeed as it is.
 */
import type { RecordingJob } from "./job.ts";
import { type Outcome, PermanentError } from "./pipeline.ts";

/** How the queue runs. */
export interface QueueOptions {
  run: (job: RecordingJob, signal: AbortSignal) => Promise<Outcome>;
  /** Jobs in flight at once. */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now: () => number;
  /** A finished job (done, empty, lost). */
  onFinished: (job: RecordingJob, outcome: Outcome["kind"]) => void;
  /** A failed attempt and when the next one is. */
  onFailed: (job: RecordingJob, error: unknown, attempt: number, retryInMs: number) => void;
  /** A job parked (the caller persists `job.parked`). */
  onParked: (job: RecordingJob, reason: string) => Promise<void>;
}

/** The running queue. */
export interface JobQueue {
  /** Adds a job (ready at once). */
  add(job: RecordingJob): void;
  /** Adds a job that is already parked (read from disk). */
  addParked(job: RecordingJob): void;
  /** The job with this id, pending or parked. */
  get(id: string): RecordingJob | undefined;
  /** Makes a waiting job ready now (RECORD_STOP for a job that waits on its file). */
  poke(id: string): void;
  pending(): number;
  parked(): number;
  /** Age of the oldest pending job in seconds (0 when none). */
  oldestPendingSeconds(): number;
  /** Resolves once nothing is pending (parked jobs aside). */
  idle(): Promise<void>;
  start(): void;
  /** Stops scheduling, aborts what runs and waits for it to settle; jobs stay on disk. */
  stop(): Promise<void>;
}

interface Entry {
  job: RecordingJob;
  attempts: number;
  nextAt: number;
  running: Promise<void> | null;
}

/** A queue over `options.run`. */
export function createJobQueue(options: QueueOptions): JobQueue {
  const entries = new Map<string, Entry>();
  const parked = new Map<string, RecordingJob>();
  let idleWaiters: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  let stopping = false;
  let abort = new AbortController();

  const inFlight = () => [...entries.values()].filter((e) => e.running).length;

  function settleIdle(): void {
    if (entries.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function schedule(): void {
    if (!started || stopping) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const now = options.now();
    let soonest = Infinity;
    for (const entry of entries.values()) {
      if (entry.running) continue;
      if (entry.nextAt <= now && inFlight() < options.concurrency) {
        entry.running = attempt(entry);
      } else soonest = Math.min(soonest, entry.nextAt);
    }
    if (soonest < Infinity && inFlight() < options.concurrency) {
      timer = setTimeout(schedule, Math.max(0, soonest - now));
    }
  }

  async function attempt(entry: Entry): Promise<void> {
    const { job } = entry;
    try {
      const outcome = await options.run(job, abort.signal);
      if (outcome.kind === "wait") {
        entry.nextAt = options.now() + outcome.ms;
      } else {
        entries.delete(job.id);
        options.onFinished(job, outcome.kind);
      }
    } catch (error) {
      if (abort.signal.aborted) {
        // Stopped mid-way: not a failure; the job resumes from its file at the next start.
      } else if (error instanceof PermanentError) {
        entries.delete(job.id);
        parked.set(job.id, job);
        await options.onParked(job, error.message).catch(() => {});
      } else {
        entry.attempts++;
        const base = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (entry.attempts - 1));
        // ±20 % jitter, so jobs that failed together (web down) do not retry in lockstep.
        const delay = Math.round(base * (0.8 + Math.random() * 0.4));
        entry.nextAt = options.now() + delay;
        options.onFailed(job, error, entry.attempts, delay);
      }
    } finally {
      entry.running = null;
      settleIdle();
      queueMicrotask(schedule);
    }
  }

  return {
    add(job) {
      if (entries.has(job.id) || parked.has(job.id)) return;
      entries.set(job.id, { job, attempts: 0, nextAt: options.now(), running: null });
      schedule();
    },
    addParked(job) {
      parked.set(job.id, job);
    },
    get: (id) => entries.get(id)?.job ?? parked.get(id),
    poke(id) {
      const entry = entries.get(id);
      if (!entry || entry.running) return;
      entry.nextAt = options.now();
      schedule();
    },
    pending: () => entries.size,
    parked: () => parked.size,
    oldestPendingSeconds() {
      let oldest = Infinity;
      for (const { job } of entries.values()) oldest = Math.min(oldest, Date.parse(job.createdAt));
      return oldest === Infinity ? 0 : Math.max(0, (options.now() - oldest) / 1000);
    },
    idle() {
      if (entries.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    start() {
      started = true;
      stopping = false;
      abort = new AbortController();
      schedule();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      abort.abort();
      await Promise.all([...entries.values()].map((e) => e.running));
      started = false;
    },
  };
}
