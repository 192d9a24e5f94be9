/**
 * The job queue's durable half: one JSON file per job in `<spool>/.careflow/jobs/`, beside the
 * WAVs it describes, written atomically (temp file, fsync, rename), so a crash at any moment
 * leaves either the old or the new state. The spool is the queue: at start every job file is
 * taken up again, and WAVs that no job names are counted (their events were missed; the CDR
 * reconciler can still hand them in).
 */
import { link, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import process from "node:process";
import type { RecordingJob } from "./job.ts";
import { spoolRoot, STATE_DIR } from "./spool.ts";

/** Where a job's files live. */
export interface JobStore {
  /** `<spool>/.careflow/work`: transcodes, named by job id. */
  workDir: string;
  /** Makes the folders. */
  open(): Promise<void>;
  /** Every job on disk; unreadable files are reported through `onBad` and left in place. */
  load(onBad: (file: string) => void): Promise<RecordingJob[]>;
  /** Writes the job's current state, atomically. */
  save(job: RecordingJob): Promise<void>;
  /** Creates the job file only if none exists; false when one did (another event got first). */
  create(job: RecordingJob): Promise<boolean>;
  /** Forgets the job (its file is the last thing removed, after WAV and transcodes). */
  remove(jobId: string): Promise<void>;
  /** Paths (spool-relative) of the WAVs in the spool, outside the state folder. */
  wavs(): Promise<string[]>;
}

const JOB_FILE = /^[0-9a-f]{24}\.json$/;

/** The job store of the spool at `spoolDir`. */
export function createJobStore(spoolDir: string): JobStore {
  const root = spoolRoot(spoolDir);
  const jobsDir = `${root}/${STATE_DIR}/jobs`;
  const workDir = `${root}/${STATE_DIR}/work`;
  const fileOf = (id: string) => `${jobsDir}/${id}.json`;
  let sequence = 0;
  const saving = new Map<string, Promise<void>>();

  async function write(path: string, text: string, flag: "w" | "wx"): Promise<void> {
    const file = await open(path, flag, 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
  }

  async function syncDir(dir: string): Promise<void> {
    // The rename itself is only durable once the folder is synced.
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    workDir,
    async open() {
      await mkdir(jobsDir, { recursive: true, mode: 0o700 });
      await mkdir(workDir, { recursive: true, mode: 0o700 });
    },
    async load(onBad) {
      const jobs: RecordingJob[] = [];
      for (const name of (await readdir(jobsDir)).sort()) {
        if (name.endsWith(".tmp")) {
          await rm(`${jobsDir}/${name}`, { force: true }); // a write cut short by a crash
          continue;
        }
        if (!JOB_FILE.test(name)) continue;
        try {
          const job = JSON.parse(await readFile(`${jobsDir}/${name}`, "utf8")) as RecordingJob;
          if (job.version !== 1 || `${job.id}.json` !== name) throw new Error("not a job");
          jobs.push(job);
        } catch {
          onBad(name);
        }
      }
      return jobs;
    },
    save(job) {
      // One write at a time per job, each serializing the job when its turn comes: the last
      // write on disk then always holds the latest state (the queue and an arriving event may
      // both save one job).
      const previous = saving.get(job.id) ?? Promise.resolve();
      const next = previous.catch(() => {}).then(async () => {
        const temp = `${fileOf(job.id)}.${process.pid}.${++sequence}.tmp`;
        await write(temp, JSON.stringify(job), "w");
        await rename(temp, fileOf(job.id));
        await syncDir(jobsDir);
      });
      saving.set(job.id, next);
      const forget = () => {
        if (saving.get(job.id) === next) saving.delete(job.id);
      };
      next.then(forget, forget);
      return next;
    },
    async create(job) {
      // Written aside, then linked: the link is atomic and exclusive, so of two events for one
      // recording arriving together one creates the job, and no reader sees half a file.
      const temp = `${fileOf(job.id)}.${process.pid}.${++sequence}.tmp`;
      await write(temp, JSON.stringify(job), "wx");
      try {
        await link(temp, fileOf(job.id));
      } catch (error) {
        if ((error as { code?: string }).code === "EEXIST") return false;
        throw error;
      } finally {
        await rm(temp, { force: true });
      }
      await syncDir(jobsDir);
      return true;
    },
    async remove(jobId) {
      await saving.get(jobId)?.catch(() => {}); // a write still under way would bring it back
      await rm(fileOf(jobId), { force: true });
    },
    async wavs() {
      const found: string[] = [];
      const walk = async (dir: string, prefix: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (entry.name.startsWith(".")) continue;
          const relative = `${prefix}${entry.name}`;
          if (entry.isDirectory()) await walk(`${dir}/${entry.name}`, `${relative}/`);
          else if (entry.isFile() && /\.wav$/i.test(entry.name)) found.push(relative);
        }
      };
      await walk(root, "");
      return found.sort();
    },
  };
}
