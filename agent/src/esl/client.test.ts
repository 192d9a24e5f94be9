/**
 * The real client over TCP against the replay server: every capture arrives whole and once, in
 * any chunking; auth refusal, FreeSWITCH's goodbye, a restart, a mid-frame cut, a dead silent
 * socket and garbage each end in a reconnect (or a kept connection), never a crash, never a
 * secret in a log line.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { eventually } from "../../../testing/eventually.ts";
import { Registry } from "../metrics/registry.ts";
import {
  type EslReplay,
  frameEnds,
  type ReplaySession,
  startEslReplay,
} from "../testing/esl-replay.ts";
import { readCapture } from "../testing/fixtures-path.ts";
import { decodeCapture } from "./capture.ts";
import { createEslService, type EslService, subscriptionCommand } from "./client.ts";
import type { EslEvent } from "./event.ts";
import { createEslMetrics, type EslMetrics } from "./metrics.ts";

const PASSWORD = "Cl0seTheDoor-secret";
const running: Array<{ stop(): Promise<void> } | EslReplay> = [];

afterEach(async () => {
  for (const thing of running.splice(0).reverse()) {
    await ("close" in thing ? thing.close() : thing.stop());
  }
});

interface Harness {
  server: EslReplay;
  client: EslService;
  events: EslEvent[];
  connects: number[];
  warnings: string[];
  metrics: EslMetrics;
  registry: Registry;
}

async function harness(
  sessions: ReplaySession[],
  options: { password?: string; idleTimeoutMs?: number; serverPassword?: string } = {},
): Promise<Harness> {
  const server = await startEslReplay({ sessions, password: options.serverPassword ?? PASSWORD });
  running.push(server);
  const registry = new Registry();
  const metrics = createEslMetrics(registry);
  const warnings: string[] = [];
  const client = createEslService(
    { host: server.host, port: server.port, password: options.password ?? PASSWORD },
    {
      metrics,
      warn: (line) => warnings.push(line),
      backoff: { initialMs: 20, maxMs: 80 },
      idleTimeoutMs: options.idleTimeoutMs,
    },
  );
  const events: EslEvent[] = [];
  const connects: number[] = [];
  client.onEvent((event) => events.push(event));
  client.onConnected(() => connects.push(events.length));
  await client.start();
  running.push(client);
  return { server, client, events, connects, warnings, metrics, registry };
}

function expected(name: string): EslEvent[] {
  return decodeCapture(readCapture(name)).events;
}

function sequences(events: EslEvent[]): string[] {
  return events.map((e) => `${e.headers["Core-UUID"]}/${e.headers["Event-Sequence"]}`);
}

async function noSecret(h: Harness): Promise<void> {
  for (const line of h.warnings) expect(line).not.toContain(PASSWORD);
  expect(await h.registry.render()).not.toContain(PASSWORD);
}

const CALL_CAPTURES = [
  "esl-plain-call-record.txt",
  "esl-json-call-record.txt",
  "esl-plain-bridge-two-legs.txt",
  "esl-json-bridge-two-legs.txt",
  "esl-plain-bridge-fail-incompatible-codec.txt",
  "esl-json-bridge-fail-incompatible-codec.txt",
  "esl-plain-voicemail-deposit.txt",
  "esl-json-voicemail-deposit.txt",
  "esl-plain-loopback-bridge.txt",
  "esl-json-loopback-bridge.txt",
  "esl-plain-kamailio-pstn-call.txt",
  "esl-commands.txt",
  "esl-json-bgapi.txt",
];

describe("replaying the captures byte for byte", () => {
  for (const name of CALL_CAPTURES) {
    test(name, async () => {
      const h = await harness([{ capture: readCapture(name) }]);
      await h.server.replayed(0);
      // The capture ends with FreeSWITCH's goodbye and a close: the client comes back.
      await eventually("the reconnection", () => h.connects.length === 2);
      expect(sequences(h.events)).toEqual(sequences(expected(name)));
      expect(h.events).toEqual(expected(name));
      expect(h.server.commands[0][0]).toBe("auth ***");
      expect(h.server.commands[0][1]).toStartWith("event json CHANNEL_CREATE");
      expect(h.server.commands[0][1]).toEndWith("CUSTOM vm::maintenance");
      expect(await h.metrics.events.value({ name: "CHANNEL_HANGUP_COMPLETE" })).toBe(
        expected(name).filter((e) => e.name === "CHANNEL_HANGUP_COMPLETE").length,
      );
      expect(h.warnings.some((w) => w.includes("said goodbye"))).toBe(true);
      await noSecret(h);
    });
  }

  test("every byte boundary: a whole capture written one byte at a time", async () => {
    const name = "esl-plain-call-record.txt";
    const h = await harness([{ capture: readCapture(name), chunkSize: 1 }]);
    await h.server.replayed(0);
    await eventually("the events", () => h.events.length === 40);
    expect(h.events).toEqual(expected(name));
  }, 20_000);

  test("json in 7-byte pieces and split at awkward offsets", async () => {
    const name = "esl-json-loopback-bridge.txt";
    const capture = readCapture(name);
    const ends = frameEnds(capture);
    // Inside "Content-Length", between the two newlines of a blank line, right after a body.
    const splitAt = ends.flatMap((end) => [end - 1, end + 3, end + 20]);
    const h = await harness([{ capture, splitAt }, { capture, chunkSize: 7 }]);
    await eventually("both replays", () => h.events.length === 2 * 90);
    expect(h.events).toEqual([...expected(name), ...expected(name)]);
  });
});

describe("when the connection goes wrong", () => {
  test("a refused password (esl-auth-fail.txt): warned without the password, retried", async () => {
    // The first connection plays the refusal; the next one (the server "fixed") lets it in.
    const h = await harness([{ capture: readCapture("esl-auth-fail.txt") }]);
    await eventually("subscribed on the retry", () => h.client.connected);
    expect(h.server.connections).toBe(2);
    expect(h.connects).toEqual([0]);
    expect(h.warnings[0]).toContain("refused the password");
    expect(await h.metrics.connections.value({ result: "auth_refused" })).toBeGreaterThanOrEqual(1);
    await noSecret(h);
  });

  test("a wrong password: the server refuses, the client backs off and keeps trying", async () => {
    const h = await harness([], { serverPassword: "another-one" });
    await eventually("three attempts", () => h.server.connections >= 3);
    expect(h.connects).toEqual([]);
    expect(h.metrics.connected.get()).toBe(0);
    await noSecret(h);
  });

  test("FreeSWITCH shutting down: its notice is logged, the client reconnects", async () => {
    const h = await harness([{ capture: readCapture("esl-plain-unregister-shutdown.txt") }]);
    await eventually("the reconnection", () => h.connects.length === 2);
    expect(h.events.at(-1)?.name).toBe("MODULE_UNLOAD");
    expect(h.events.filter((e) => e.name === "SHUTDOWN").length).toBe(1);
    expect(h.warnings.join("\n")).toContain('said goodbye ("The system is being shut down.")');
  });

  test("a restart: connections dropped, refused a while, then the same port again", async () => {
    const record = readCapture("esl-plain-call-record.txt");
    const bridge = readCapture("esl-json-bridge-two-legs.txt");
    const h = await harness([
      { capture: record, holdOpen: true, withoutGoodbye: true },
      { capture: bridge },
    ]);
    await eventually("the first call", () => h.events.length === 40);
    expect(h.client.connected).toBe(true);
    await h.server.restart(300);
    await eventually("the second call", () => h.events.length === 40 + 81);
    expect(h.events).toEqual([
      ...expected("esl-plain-call-record.txt"),
      ...expected("esl-json-bridge-two-legs.txt"),
    ]);
    expect(h.connects.length).toBeGreaterThanOrEqual(2);
    expect(await h.metrics.connections.value({ result: "lost" })).toBeGreaterThanOrEqual(1);
  });

  test("cut mid-frame: the partial event is never delivered, the next connection starts clean", async () => {
    const capture = readCapture("esl-plain-bridge-two-legs.txt");
    const all = expected("esl-plain-bridge-two-legs.txt");
    const ends = frameEnds(capture);
    const cutAt = ends[40] + 100; // 100 bytes into frame 41
    const h = await harness([{ capture, cutAt }, { capture }]);
    await h.server.replayed(0);
    await eventually(
      "the second replay",
      () => h.connects.length >= 2 && h.events.length >= 38 + 81,
    );
    const firstRun = 41 - 3; // frames 0..40 arrived whole; 0..2 are the auth and replies
    expect(h.events.slice(0, firstRun)).toEqual(all.slice(0, firstRun));
    expect(h.events.slice(firstRun)).toEqual(all);
  });

  test("silence past the idle timeout counts as a dead connection", async () => {
    const bgapi = readCapture("esl-json-bgapi.txt");
    const h = await harness([{ capture: bgapi, holdOpen: true, withoutGoodbye: true }], {
      idleTimeoutMs: 300,
    });
    await eventually("a reconnection after silence", () => h.connects.length >= 2);
    expect(h.warnings.some((w) => w.includes("went silent"))).toBe(true);
  });

  test("garbage in the stream costs only itself", async () => {
    const good = readCapture("esl-plain-call-record.txt");
    const ends = frameEnds(good);
    const latin1 = "Event-Name: CHANNEL_CREATE\nCaller-Caller-ID-Name: Jos%E9\n\n";
    const junk = new TextEncoder().encode(
      "Content-Length: abc\nContent-Type: text/event-plain\n\n" +
        'Content-Length: 12\nContent-Type: text/event-json\n\n{"Event-Nam' + "x" +
        `Content-Length: ${latin1.length}\nContent-Type: text/event-plain\n\n${latin1}`,
    );
    const at = ends[10];
    const capture = new Uint8Array([...good.subarray(0, at), ...junk, ...good.subarray(at)]);
    const h = await harness([{ capture, chunkSize: 333 }]);
    await h.server.replayed(0);
    await eventually("all events", () => h.events.length === 41);
    const jose = h.events.find((e) => e.headers["Caller-Caller-ID-Name"] === "José");
    expect(jose).toBeDefined();
    expect(h.events.filter((e) => e !== jose)).toEqual(expected("esl-plain-call-record.txt"));
    expect(await h.metrics.malformed.value({ problem: "bad-content-length" })).toBe(1);
    expect(await h.metrics.malformed.value({ problem: "undecodable-event" })).toBe(1);
  });

  test("a consumer that throws does not stop the others", async () => {
    const h = await harness([{ capture: readCapture("esl-json-bgapi.txt") }]);
    h.client.onEvent(() => {
      throw new TypeError("consumer bug");
    });
    await h.server.replayed(0);
    await eventually("events", () => h.events.length === 2);
    expect(h.warnings.some((w) => w.includes("ESL consumer failed: TypeError"))).toBe(true);
  });

  test("stop says exit and stays stopped", async () => {
    const h = await harness([{ capture: readCapture("esl-json-bgapi.txt"), holdOpen: true }]);
    await eventually("subscribed", () => h.client.connected);
    await h.client.stop();
    await eventually("exit reached the server", () => h.server.commands[0].includes("exit"));
    const connections = h.server.connections;
    await Bun.sleep(200);
    expect(h.server.connections).toBe(connections);
    expect(h.metrics.connected.get()).toBe(0);
  });
});

describe("metrics", () => {
  test("connected and lag render as gauges, lag as a histogram too", async () => {
    const h = await harness([{ capture: readCapture("esl-json-bgapi.txt"), holdOpen: true }]);
    await eventually("subscribed", () => h.client.connected && h.events.length === 2);
    const text = await h.registry.render();
    expect(text).toContain(
      "# TYPE careflow_agent_esl_connected gauge\ncareflow_agent_esl_connected 1",
    );
    expect(text).toContain("# TYPE careflow_agent_esl_lag_seconds gauge");
    expect(text).toContain("careflow_agent_esl_event_lag_seconds_count 2");
    expect(text).toContain('careflow_agent_esl_events_total{name="BACKGROUND_JOB"} 2');
    // The capture's clock read 2026-12-01: the lag is now minus then, never negative.
    expect(h.metrics.lag.get()).toBeGreaterThanOrEqual(0);
  });

  test("the subscription puts CUSTOM and its subclasses last and refuses odd names", () => {
    expect(subscriptionCommand("plain", ["CHANNEL_ANSWER"], ["vm::maintenance"])).toBe(
      "event plain CHANNEL_ANSWER CUSTOM vm::maintenance",
    );
    expect(() => subscriptionCommand("json", ["X\n\nexit"], [])).toThrow();
  });
});
