/**
 * Reconciling a CDR folder holding the fixture files (copied into a temporary folder per test,
 * with the dialplan's variables added where a test needs events): calls appended once, files
 * moved to done/ only after the append resolved, incomplete calls left for later, bad files set
 * aside, nothing deleted.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../testing/fixtures-path.ts";
import { jsonCdrWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { reconcileCdrFolder, type ReconcileOptions } from "./reconcile.ts";
import { cdrReports } from "./testing/reports.ts";

const FIXTURES = readdirSync(fixturePath("json-cdr")).filter((n) => n.endsWith(".cdr.json"));
const BRIDGE = ["a0f09131-061f-488c-9341-e1e5bf65f760", "b221b49d-fd66-483b-bd28-b2f8b8391ef8"];
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder with fixture files (all by default), the dialplan's parties added when asked. */
function folder(options: { names?: string[]; careflow?: boolean; ageMs?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "careflow-cdr-"));
  dirs.push(dir);
  for (const name of options.names ?? FIXTURES) {
    const doc = JSON.parse(readFileSync(fixturePath("json-cdr", name), "utf8"));
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify(options.careflow ? jsonCdrWithCareflow(doc, LAB_PARTIES) : doc),
    );
    const when = (Date.now() - (options.ageMs ?? 3600_000)) / 1000;
    utimesSync(path, when, when);
  }
  return dir;
}

function run(dir: string, extra: Partial<ReconcileOptions> = {}) {
  const { appended, warnings, ...reports } = cdrReports();
  const result = reconcileCdrFolder({ dir, ...reports, ...extra });
  return { result, appended, warnings, metrics: reports.metrics };
}

const files = (dir: string, sub = "") =>
  existsSync(join(dir, sub))
    ? readdirSync(join(dir, sub)).filter((n) => n.endsWith(".json")).sort()
    : [];

describe("reconciling the fixture folder", () => {
  test("six calls appended once each, every file then in done/", async () => {
    const dir = folder({ careflow: true });
    const { result, appended, metrics } = run(dir);
    const report = await result;
    expect(appended.map((e) => e.id).sort()).toEqual([
      "cdr-1f65cd0d-e651-4abe-9259-e0b358ac6762",
      "cdr-87a9db38-ed3b-479f-856e-a9dc31c5d5fe",
      "cdr-a0f09131-061f-488c-9341-e1e5bf65f760",
      "cdr-b26322a0-5a04-4f23-b79e-bd331226a0ad",
      "cdr-ce9459ee-587f-4cb1-a1be-95185d04cad7",
      "cdr-dd9cc940-beea-4f4f-b634-a5e1280513af",
    ]);
    expect(report.waiting).toBe(0);
    expect(files(dir)).toEqual([]);
    expect(files(dir, "done")).toEqual([...FIXTURES].sort());
    expect(await metrics.built.value({ source: "cdr_dir" })).toBe(6);
    // A second run finds nothing to do.
    const again = run(dir);
    expect((await again.result).appended).toEqual([]);
  });

  test("files move only after the append resolved; a failed append leaves them", async () => {
    const dir = folder({ careflow: true, names: BRIDGE.map((id) => `${id}.cdr.json`) });
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = run(dir, { sink: { append: () => gate } });
    await Bun.sleep(50);
    expect(files(dir).length).toBe(2); // the append has not resolved: nothing moved
    release();
    await pending.result;
    expect(files(dir, "done").length).toBe(2);

    const failing = folder({ careflow: true, names: BRIDGE.map((id) => `${id}.cdr.json`) });
    const failed = run(failing, { sink: { append: () => Promise.reject(new Error("down")) } });
    expect((await failed.result).waiting).toBe(1);
    expect(files(failing).length).toBe(2);
    expect(failed.warnings[0]).toContain("will retry");
  });

  test("a call already appended over ESL is moved without appending again", async () => {
    const dir = folder({ careflow: true, names: BRIDGE.map((id) => `${id}.cdr.json`) });
    const told: string[][] = [];
    const { result, appended } = run(dir, {
      alreadyAppended: (id) => id === "cdr-a0f09131-061f-488c-9341-e1e5bf65f760",
      onCall: (legs) => told.push(legs),
    });
    expect((await result).known).toEqual(["cdr-a0f09131-061f-488c-9341-e1e5bf65f760"]);
    expect(appended).toEqual([]);
    expect(files(dir, "done").length).toBe(2);
    expect(told).toEqual([BRIDGE]);
  });

  test("the captures' lab parties cannot be told to web: set aside in unrepresentable/", async () => {
    const dir = folder();
    const { result, appended, metrics } = run(dir);
    expect((await result).unrepresentable.length).toBe(6);
    expect(appended).toEqual([]);
    expect(files(dir, "unrepresentable").length).toBe(11);
    expect(await metrics.skipped.value({ reason: "unrepresentable-party" })).toBe(6);
  });
});

describe("incomplete and bad files", () => {
  test("a fresh B-leg without its A-leg waits; once old, the call is built from what is there", async () => {
    const names = ["b221b49d-fd66-483b-bd28-b2f8b8391ef8.cdr.json"];
    const fresh = folder({ careflow: true, names, ageMs: 1000 });
    expect((await run(fresh).result).waiting).toBe(1);
    expect(files(fresh)).toEqual(names);
    const stale = folder({ careflow: true, names, ageMs: 3600_000 });
    const { result, appended } = run(stale);
    await result;
    // The id is still the call's: the A-leg's UUID, which the B-leg names as its originator.
    expect(appended.map((e) => e.id)).toEqual(["cdr-a0f09131-061f-488c-9341-e1e5bf65f760"]);
  });

  test("a file that is not a leg CDR: left while fresh (maybe being written), then rejected/", async () => {
    const dir = folder({ names: [] });
    const name = "0badf00d-0000-4000-8000-000000000000.cdr.json";
    writeFileSync(join(dir, name), '{"variables": {"uuid": "0badf00d');
    expect((await run(dir).result).waiting).toBe(1);
    const old = (Date.now() - 3600_000) / 1000;
    utimesSync(join(dir, name), old, old);
    const { result, warnings } = run(dir);
    expect((await result).rejectedFiles).toEqual([name]);
    expect(files(dir, "rejected")).toEqual([name]);
    expect(warnings[0]).toContain("is not a leg CDR (not JSON)");
  });

  test("other files in the folder are not touched", async () => {
    const dir = folder({ names: [] });
    writeFileSync(join(dir, "notes.txt"), "x");
    writeFileSync(join(dir, "partial.cdr.json.tmp"), "{");
    const { result } = run(dir);
    expect(await result).toMatchObject({ appended: [], rejectedFiles: [], waiting: 0 });
    expect(readdirSync(dir).sort()).toEqual(["notes.txt", "partial.cdr.json.tmp"]);
  });
});
