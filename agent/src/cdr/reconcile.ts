/**
 * Reconciles mod_json_cdr's folder (one `<uuid>.cdr.json` per leg, written at each leg's hangup):
 * groups the files into calls, builds the same cdr events ESL gives (same ids, so web keeps one),
 * appends them, and only once an append resolved moves the call's files to `done/`. Calls that
 * ended while the agent was down or disconnected reach web this way.
 *
 * A call whose legs are not all there yet (a file still being written, a B-leg's to come) waits
 * for the next run unless its newest file is older than `settleMs`. Files that are not CDRs go to
 * `rejected/`; calls whose parties web cannot be told go to `unrepresentable/` (kept, to be
 * replayed once the schema can say them). Nothing is deleted.
 */
import { mkdir, readdir, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { WarnLogger } from "../log.ts";
import type { EventSink } from "../outbox/sink.ts";
import { buildCalls } from "./transfer.ts";
import { type CdrEvent, toCdrEvent } from "./cdr-event.ts";
import { legFromJsonCdrText } from "./from-json-cdr.ts";
import { groupLegs } from "./group.ts";
import type { LegSummary } from "./leg.ts";
import { type CdrMetrics, countBuilt } from "./metrics.ts";

/** What a reconciliation needs. */
export interface ReconcileOptions {
  dir: string;
  sink: Pick<EventSink, "append">;
  metrics: CdrMetrics;
  warn: WarnLogger;
  /** True for ids already appended by this process (over ESL): their files are just moved. */
  alreadyAppended?: (eventId: string) => boolean;
  /** Told the legs of every call taken from the folder (the tracker stops following them). */
  onCall?: (legUuids: string[]) => void;
  /**
   * Told every call taken from the folder, appended now or earlier, before its files move to
   * `done/` (the recordings service admits the call's recording: its RECORD_STOP may never have
   * come over ESL). When it throws, the files stay for the next run.
   */
  onTaken?: (call: FolderCall) => Promise<void>;
  /** Process an incomplete call anyway once its newest file is this old (default 10 min). */
  settleMs?: number;
  nowMs?: () => number;
}

/** A call as the folder gave it: the id its cdr event carries, and its legs. */
export interface FolderCall {
  callId: string;
  endedAt: Date;
  legs: readonly LegSummary[];
}

/** What one run did, by call. */
export interface ReconcileReport {
  appended: string[];
  /** Already appended over ESL: moved without appending again. */
  known: string[];
  unrepresentable: string[];
  rejectedFiles: string[];
  /** Calls left for a later run (incomplete, too fresh, or the append failed). */
  waiting: number;
}

const CDR_FILE = /^(?:[ab]_)?[A-Za-z0-9-]{8,64}\.cdr\.json$/;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

interface LegFile {
  name: string;
  leg: LegSummary;
  mtimeMs: number;
}

/** Runs one reconciliation of `options.dir`. */
export async function reconcileCdrFolder(options: ReconcileOptions): Promise<ReconcileReport> {
  const now = (options.nowMs ?? Date.now)();
  const settleMs = options.settleMs ?? 10 * 60_000;
  const report: ReconcileReport = {
    appended: [],
    known: [],
    unrepresentable: [],
    rejectedFiles: [],
    waiting: 0,
  };
  const files: LegFile[] = [];
  for (const name of (await listFolder(options.dir)).filter((n) => CDR_FILE.test(n)).sort()) {
    const path = join(options.dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    const read = info.size > MAX_FILE_BYTES
      ? { ok: false as const, error: "too large" }
      : legFromJsonCdrText(await readFile(path, "utf8"));
    if (read.ok) {
      files.push({ name, leg: read.leg, mtimeMs: info.mtimeMs });
    } else if (now - info.mtimeMs < settleMs) {
      report.waiting++; // maybe still being written
    } else {
      await move(options.dir, "rejected", [name]);
      options.metrics.files.inc({ result: "rejected" });
      report.rejectedFiles.push(name);
      options.warn(`careflow-agent: warning: CDR file ${name} is not a leg CDR (${read.error})`);
    }
  }

  const fileOf = new Map(files.map((file) => [file.leg, file]));
  for (const group of groupLegs(files.map((file) => file.leg))) {
    const names = group.legs.map((leg) => fileOf.get(leg)!.name);
    const newest = Math.max(...group.legs.map((leg) => fileOf.get(leg)!.mtimeMs));
    // A leg named but without its file (the A-leg's parent link included) may still come.
    if (group.missing.length > 0 && now - newest < settleMs) {
      report.waiting++;
      continue;
    }
    const outcomes = buildCalls(group.legs).map(toCdrEvent);
    const unrepresentable = outcomes.find((outcome) => !outcome.event);
    if (unrepresentable && !unrepresentable.event) {
      await move(options.dir, "unrepresentable", names);
      options.metrics.skipped.inc({ reason: unrepresentable.problem });
      options.metrics.files.inc({ result: "unrepresentable" }, names.length);
      report.unrepresentable.push(unrepresentable.record.rootUuid);
      options.onCall?.(group.legs.map((leg) => leg.uuid));
      continue;
    }
    const taken = [];
    for (const { event } of outcomes) {
      const result = await take(options, event!, group.legs);
      if (result === "waiting") break;
      taken.push({ id: event!.id, result });
    }
    if (taken.length < outcomes.length) {
      report.waiting++;
      continue;
    }
    await move(options.dir, "done", names);
    options.metrics.files.inc({ result: "done" }, names.length);
    for (const { id, result } of taken) report[result].push(id);
    options.onCall?.(group.legs.map((leg) => leg.uuid));
  }
  return report;
}

/**
 * Appends a call's event unless this process already did, then hands the call over: "appended"
 * or "known" once both are done, "waiting" when either must be tried again on the next run (an
 * appended event is then known, and only handed over again).
 */
async function take(
  options: ReconcileOptions,
  event: CdrEvent,
  legs: readonly LegSummary[],
): Promise<"appended" | "known" | "waiting"> {
  const known = options.alreadyAppended?.(event.id) ?? false;
  if (!known) {
    try {
      await options.sink.append(event);
    } catch (error) {
      // The files stay: the next run tries again.
      options.metrics.appendFailures.inc();
      options.warn(
        `careflow-agent: warning: could not append ${event.id} from the CDR folder ` +
          `(${(error as Error)?.name}); will retry`,
      );
      return "waiting";
    }
    countBuilt(options.metrics, "cdr_dir", event.call);
  }
  if (!(await handOver(options, event.call, legs))) return "waiting";
  return known ? "known" : "appended";
}

/** The folder's names; none while it does not exist (FreeSWITCH makes it with its first CDR). */
async function listFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Runs `onTaken` for a call; false (warned) when it failed and the files must stay. */
async function handOver(
  options: ReconcileOptions,
  call: { id: string; endedAt: string },
  legs: readonly LegSummary[],
): Promise<boolean> {
  if (!options.onTaken) return true;
  try {
    await options.onTaken({ callId: call.id, endedAt: new Date(call.endedAt), legs });
    return true;
  } catch (error) {
    options.warn(
      `careflow-agent: warning: call ${call.id} from the CDR folder was not handed over ` +
        `(${(error as Error)?.name}); will retry`,
    );
    return false;
  }
}

async function move(dir: string, folder: string, names: string[]): Promise<void> {
  await mkdir(join(dir, folder), { recursive: true });
  for (const name of names) {
    // Same file system, so a rename: a file is in one place or the other, never half-moved.
    await rename(join(dir, name), join(dir, folder, name)).catch((error) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    });
  }
}
