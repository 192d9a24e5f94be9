/**
 * The CDR side as the agent runs it: the real ESL client over TCP against the replay server
 * (captures with the dialplan's parties added, split into small pieces), the CDR service on it,
 * and the CDR folder reconciled on every (re)connection. Each call gives one cdr event, also
 * when its end was lost with the connection (the folder has it), and never two.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../../../testing/eventually.ts";
import { createEslService } from "../esl/client.ts";
import { createEslMetrics } from "../esl/metrics.ts";
import { Registry } from "../metrics/registry.ts";
import { frameEnds, type ReplaySession, startEslReplay } from "../testing/esl-replay.ts";
import { fixturePath, readCapture } from "../testing/fixtures-path.ts";
import { CAPTURE_FILES, EXPECTED } from "./expected-calls.ts";
import { captureWithCareflow, jsonCdrWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { createCdrService } from "./service.ts";
import { cdrReports } from "./testing/reports.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BRIDGE = ["a0f09131-061f-488c-9341-e1e5bf65f760", "b221b49d-fd66-483b-bd28-b2f8b8391ef8"];
const BRIDGE_ID = `cdr-${BRIDGE[0]}`;

function capture(name: string): Uint8Array {
  return captureWithCareflow(readCapture(name), LAB_PARTIES);
}

async function run(sessions: ReplaySession[], cdrDir: string | null = null) {
  const server = await startEslReplay({ sessions });
  cleanups.push(() => server.close());
  const registry = new Registry();
  const { appended, warnings, ...reports } = cdrReports(registry);
  const { metrics, warn } = reports;
  const esl = createEslService({ host: server.host, port: server.port, password: "ClueCon" }, {
    metrics: createEslMetrics(registry),
    warn,
    backoff: { initialMs: 200, maxMs: 400 },
  });
  const cdr = createCdrService({
    source: esl,
    ...reports,
    cdrDir,
    settleMs: 60_000,
    tracker: { lingerMs: 50 },
  });
  await cdr.start();
  await esl.start();
  cleanups.push(() => cdr.stop(), () => esl.stop());
  return { server, esl, cdr, appended, metrics, warnings };
}

/** A CDR folder with the bridge call's two leg files, an hour old. */
function bridgeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "careflow-cdr-service-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeBridgeFiles(dir: string): void {
  for (const uuid of BRIDGE) {
    const name = `${uuid}.cdr.json`;
    const doc = JSON.parse(readFileSync(fixturePath("json-cdr", name), "utf8"));
    writeFileSync(join(dir, name), JSON.stringify(jsonCdrWithCareflow(doc, LAB_PARTIES)));
    const old = (Date.now() - 3600_000) / 1000;
    utimesSync(join(dir, name), old, old);
  }
}

describe("calls over the real client", () => {
  test("every captured call, plain and json, in 61-byte pieces: one cdr event each", async () => {
    const files = Object.values(CAPTURE_FILES).flat();
    // One connection per capture: each ends with FreeSWITCH's goodbye, the client comes back.
    const h = await run(files.map((name) => ({ capture: capture(name), chunkSize: 61 })));
    const ids = Object.values(EXPECTED).map((record) => `cdr-${record.rootUuid}`).sort();
    await eventually("a cdr event per call", () => h.appended.length >= ids.length, {
      timeoutMs: 60_000,
    });
    await eventually("the last replay", () => h.server.connections > files.length);
    expect(h.appended.map((event) => event.id).sort()).toEqual(ids);
    expect(await h.metrics.built.value({ source: "esl" })).toBe(ids.length);
    expect(h.cdr.tracker.openCalls).toBe(0);
  }, 90_000);

  test("a call written one byte at a time gives its event", async () => {
    const h = await run([{ capture: capture("esl-json-call-record.txt"), chunkSize: 1 }]);
    await eventually("the cdr event", () => h.appended.length === 1, { timeoutMs: 30_000 });
    expect(h.appended[0]).toMatchObject({
      id: "cdr-ce9459ee-587f-4cb1-a1be-95185d04cad7",
      call: { status: "completed", caller: "care4w-1000001", callee: "care4w-1000002" },
    });
  }, 40_000);
});

describe("calls whose end the socket did not bring", () => {
  test("cut before the A-leg hung up: the folder gives the call on reconnect, once", async () => {
    const bridge = capture("esl-plain-bridge-two-legs.txt");
    const ends = frameEnds(bridge);
    const text = new TextDecoder("latin1").decode(bridge);
    // Cut 50 bytes into the A-leg's CHANNEL_HANGUP_COMPLETE (the B-leg's came first).
    const aHangup = text.lastIndexOf("Event-Name: CHANNEL_HANGUP_COMPLETE");
    const frameStart = ends.filter((end) => end < aHangup).at(-1)!;
    const dir = bridgeFolder();
    const h = await run([{ capture: bridge, cutAt: frameStart + 50 }], dir);
    await h.server.replayed(0);
    expect(h.appended).toEqual([]);
    expect(h.cdr.tracker.openCalls).toBe(1);
    // mod_json_cdr wrote both legs; the reconnection's reconciliation finds them.
    writeBridgeFiles(dir);
    await eventually("the call from the folder", () => h.appended.length === 1);
    expect(h.appended[0].id).toBe(BRIDGE_ID);
    expect(await h.metrics.built.value({ source: "cdr_dir" })).toBe(1);
    await eventually("the tracker let go of it", () => h.cdr.tracker.openCalls === 0);
    expect(readdirSync(join(dir, "done")).length).toBe(2);
  });

  test("a call that came whole over ESL is not appended again from the folder", async () => {
    const dir = bridgeFolder();
    const h = await run([{ capture: capture("esl-json-bridge-two-legs.txt") }], dir);
    await eventually("the call over ESL", () => h.appended.length === 1);
    writeBridgeFiles(dir);
    // The capture ends with a goodbye: the reconnection reconciles the folder.
    await eventually("the files moved", () => {
      try {
        return readdirSync(join(dir, "done")).length === 2;
      } catch {
        return false;
      }
    });
    expect(h.appended.map((event) => event.id)).toEqual([BRIDGE_ID]);
    expect((await h.cdr.reconcile())?.appended).toEqual([]);
  });

  test("FreeSWITCH restarting mid-call: the next call still comes through", async () => {
    const bridge = capture("esl-plain-bridge-two-legs.txt");
    const record = capture("esl-plain-call-record.txt");
    const h = await run([
      { capture: bridge, cutAt: Math.floor(bridge.length / 2) },
      { capture: record, holdOpen: true, withoutGoodbye: true },
    ]);
    await h.server.replayed(0);
    await h.server.restart(300);
    await eventually("the next call", () => h.appended.length === 1);
    expect(h.appended[0].id).toBe("cdr-ce9459ee-587f-4cb1-a1be-95185d04cad7");
    // The cut call stays open (its end is the folder's business) and is swept when idle.
    expect(h.cdr.tracker.openCalls).toBe(1);
  });
});
