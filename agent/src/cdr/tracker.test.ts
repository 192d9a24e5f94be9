/**
 * The call tracker fed the captures' events: one finished call per captured call, the moment its
 * last leg hung up (not at the B-leg's earlier hangup), whatever the interleaving; late events
 * ignored; calls that never end given up within bounds; failed appends retried.
 */
import { describe, expect, test } from "bun:test";
import { eventually } from "../../../testing/eventually.ts";
import { decodeCapture } from "../esl/capture.ts";
import type { EslEvent } from "../esl/event.ts";
import type { AgentEvent } from "../../../shared/events.ts";
import { readCapture } from "../testing/fixtures-path.ts";
import { BoundedSet } from "./bounded-set.ts";
import type { CdrOutcome } from "./cdr-event.ts";
import { CAPTURE_FILES, EXPECTED } from "./expected-calls.ts";
import { eventsWithCareflow, LAB_PARTIES } from "./fixture-calls.ts";
import { cdrReports } from "./testing/reports.ts";
import { type CallTrackerOptions, createCallTracker } from "./tracker.ts";

function events(file: string): EslEvent[] {
  return decodeCapture(readCapture(file)).events;
}

/** `Array.prototype.findLastIndex` (ES2023; the agent's lib is ES2022). */
function lastIndexOf<T>(list: T[], test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
  return -1;
}

function setup(options: Partial<CallTrackerOptions> = {}) {
  const outcomes: CdrOutcome[] = [];
  const { appended, warnings, ...reports } = cdrReports();
  const tracker = createCallTracker({
    ...reports,
    lingerMs: 50,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  });
  return { tracker, outcomes, appended, warnings, metrics: reports.metrics };
}

describe("one finished call per captured call", () => {
  for (const [call, files] of Object.entries(CAPTURE_FILES)) {
    for (const file of files) {
      test(`${file}: finished at its last leg's hangup`, () => {
        const { tracker, outcomes } = setup();
        const list = events(file);
        const lastHangup = lastIndexOf(list, (e) => e.name === "CHANNEL_HANGUP_COMPLETE");
        list.forEach((event, index) => {
          tracker.handle(event);
          expect(outcomes.length).toBe(index >= lastHangup ? 1 : 0);
        });
        expect(outcomes[0].record).toEqual(EXPECTED[call]);
        expect(tracker.openCalls).toBe(0);
      });
    }
  }

  test("the B-leg's hangup first does not end the call", () => {
    const { tracker, outcomes } = setup();
    const list = events("esl-plain-bridge-two-legs.txt");
    const hangups = list.filter((e) => e.name === "CHANNEL_HANGUP_COMPLETE");
    expect(hangups[0].headers["Unique-ID"]).toStartWith("b221b49d"); // as captured
    for (const event of list.slice(0, list.indexOf(hangups[1]))) tracker.handle(event);
    expect(outcomes).toEqual([]);
    tracker.handle(hangups[1]);
    expect(outcomes.length).toBe(1);
  });

  test("calls interleaved event by event come out right", () => {
    const { tracker, outcomes } = setup();
    const streams = [
      "esl-plain-loopback-bridge.txt",
      "esl-json-bridge-two-legs.txt",
      "esl-plain-voicemail-deposit.txt",
      "esl-commands.txt",
    ].map(events);
    for (let i = 0; streams.some((s) => i < s.length); i++) {
      for (const stream of streams) if (i < stream.length) tracker.handle(stream[i]);
    }
    const byRoot = Object.fromEntries(outcomes.map((o) => [o.record.rootUuid, o.record]));
    expect(outcomes.length).toBe(4);
    for (const call of ["loopback-bridge", "bridge-two-legs", "voicemail-deposit", "commands"]) {
      expect(byRoot[EXPECTED[call].rootUuid]).toEqual(EXPECTED[call]);
    }
  });

  test("captures without calls finish nothing and leave nothing open", () => {
    const { tracker, outcomes } = setup();
    for (
      const file of ["esl-json-bgapi.txt", "esl-plain-unregister-shutdown.txt", "esl-auth-fail.txt"]
    ) {
      for (const event of events(file)) tracker.handle(event);
    }
    expect(outcomes).toEqual([]);
    expect(tracker.openCalls).toBe(0);
  });
});

describe("appending", () => {
  test("calls with CareFlow parties are appended once; unrepresentable ones are counted", async () => {
    const { tracker, appended, metrics } = setup();
    for (const event of eventsWithCareflow(events("esl-json-loopback-bridge.txt"), LAB_PARTIES)) {
      tracker.handle(event);
    }
    for (const event of events("esl-plain-call-record.txt")) tracker.handle(event);
    await tracker.flush();
    expect(appended.map((e) => e.id)).toEqual(["cdr-b26322a0-5a04-4f23-b79e-bd331226a0ad"]);
    expect(tracker.appended("cdr-b26322a0-5a04-4f23-b79e-bd331226a0ad")).toBe(true);
    expect(await metrics.built.value({ source: "esl" })).toBe(1);
    expect(await metrics.skipped.value({ reason: "unrepresentable-party" })).toBe(1);
  });

  test("the same events again (a replay after reconnecting) append nothing more", async () => {
    const { tracker, appended } = setup();
    const list = eventsWithCareflow(events("esl-plain-bridge-two-legs.txt"), LAB_PARTIES);
    for (const event of [...list, ...list]) tracker.handle(event);
    await tracker.flush();
    expect(appended.length).toBe(1);
    expect(tracker.openCalls).toBe(0);
  });

  test("a failing outbox is retried until it takes the event", async () => {
    let failures = 2;
    const appended: AgentEvent[] = [];
    const { tracker, metrics } = setup({
      sink: {
        append: (event) => {
          if (failures-- > 0) return Promise.reject(new Error("redis down"));
          appended.push(event);
          return Promise.resolve();
        },
      },
    });
    for (const event of eventsWithCareflow(events("esl-plain-kamailio-pstn-call.txt"), {})) {
      tracker.handle(event);
    }
    await tracker.flush();
    expect(appended.map((e) => e.id)).toEqual(["cdr-e495c2ef-777a-4af6-a155-9edde87c2aa1"]);
    expect(await metrics.appendFailures.value()).toBe(2);
  }, 10_000);

  test("out of retries, the call is left to the CDR folder, said once", async () => {
    const { tracker, warnings } = setup({
      sink: { append: () => Promise.reject(new Error("redis down")) },
      appendRetries: 0,
    });
    for (const event of events("esl-plain-kamailio-pstn-call.txt")) tracker.handle(event);
    await tracker.flush();
    expect(warnings).toEqual([
      "careflow-agent: warning: could not append cdr-e495c2ef-777a-4af6-a155-9edde87c2aa1 " +
      "(Error); left to the CDR folder",
    ]);
  });
});

describe("calls that do not end cleanly", () => {
  const bridge = () => events("esl-plain-bridge-two-legs.txt");
  const isLeg = (prefix: string) => (e: EslEvent) => e.headers["Unique-ID"]?.startsWith(prefix);

  test("a leg only named by others is waited for a moment, then the call ends without it", async () => {
    const { tracker, outcomes } = setup();
    for (const event of bridge().filter((e) => !isLeg("b221b49d")(e))) tracker.handle(event);
    expect(outcomes).toEqual([]);
    await eventually("the linger", () => outcomes.length === 1, {
      timeoutMs: 2000,
      intervalMs: 10,
    });
    expect(outcomes[0].record.legUuids).toEqual(["a0f09131-061f-488c-9341-e1e5bf65f760"]);
  });

  test("without its A-leg a call does not end (the A-leg's hangup is still to come)", async () => {
    const { tracker, outcomes } = setup();
    for (const event of bridge().filter(isLeg("b221b49d"))) tracker.handle(event);
    await Bun.sleep(100);
    expect(outcomes).toEqual([]);
    expect(tracker.openCalls).toBe(1);
    for (const event of bridge().filter(isLeg("a0f09131"))) tracker.handle(event);
    expect(outcomes[0]?.record).toEqual(EXPECTED["bridge-two-legs"]);
  });

  test("a call idle past idleMs is given up; at most maxCalls are followed", async () => {
    let now = 0;
    const { tracker, outcomes, metrics, warnings } = setup({
      idleMs: 1000,
      maxCalls: 2,
      nowMs: () => now,
    });
    const firstEvents = (file: string) => events(file).filter((e) => e.name === "CHANNEL_CREATE");
    for (const event of firstEvents("esl-plain-call-record.txt")) tracker.handle(event);
    now = 600;
    for (const event of firstEvents("esl-plain-voicemail-deposit.txt")) tracker.handle(event);
    now = 1200;
    tracker.sweep();
    expect(tracker.openCalls).toBe(1);
    expect(await metrics.expired.value({ reason: "idle" })).toBe(1);
    for (const event of firstEvents("esl-plain-loopback-bridge.txt")) tracker.handle(event);
    for (const event of firstEvents("esl-plain-kamailio-pstn-call.txt")) tracker.handle(event);
    expect(tracker.openCalls).toBe(2);
    expect(await metrics.expired.value({ reason: "overflow" })).toBe(1);
    expect(warnings.length).toBe(1);
    expect(outcomes).toEqual([]);
  });

  test("markDone (the CDR folder had the call) drops it and ignores what comes later", () => {
    const { tracker, outcomes } = setup();
    const list = bridge();
    const half = list.length / 2;
    for (const event of list.slice(0, half)) tracker.handle(event);
    expect(tracker.openCalls).toBe(1);
    tracker.markDone([
      "a0f09131-061f-488c-9341-e1e5bf65f760",
      "b221b49d-fd66-483b-bd28-b2f8b8391ef8",
    ]);
    expect(tracker.openCalls).toBe(0);
    for (const event of list.slice(half)) tracker.handle(event);
    expect(outcomes).toEqual([]);
    expect(tracker.openCalls).toBe(0);
  });
});

test("a bounded set forgets by age and by count", () => {
  let now = 0;
  const set = new BoundedSet(2, 100, () => now);
  set.add("a");
  set.add("b");
  set.add("c");
  expect([set.has("a"), set.has("b"), set.has("c")]).toEqual([false, true, true]);
  now = 150;
  expect(set.has("b")).toBe(false);
  expect(set.size).toBe(0);
});
