/**
 * The recordings service as tests build it: the real service over a test spool, a real web (or
 * object store) and the web-delivering sink, with short retry delays so failures are retried
 * within a test's time.
 */
import type { ObjectStoreSettings } from "../../../../shared/object-store.ts";
import { eventually } from "../../../../testing/eventually.ts";
import type { AgentConfig } from "../../config.ts";
import type { EslEvent } from "../../esl/event.ts";
import { Registry } from "../../metrics/registry.ts";
import { testConfig } from "../../testing/fixtures.ts";
import {
  createRecordingService,
  type RecordingService,
  type RecordingServiceOptions,
} from "../service.ts";
import { createTestEventSource, type TestEventSource } from "./esl.ts";
import { createWebSink, type WebSink } from "./sink.ts";
import { TEST_INTERNAL_SECRET } from "../../testing/web.ts";

/** A built service and what it was built with. */
export interface ServiceUnderTest {
  service: RecordingService;
  esl: TestEventSource;
  sink: WebSink;
  registry: Registry;
  warnings: string[];
  config: AgentConfig;
  stop(): Promise<void>;
}

/** How to build it. */
export interface ServiceSetup {
  spoolDir: string;
  /** Where the sink delivers events (web itself: the outbox is not what is tested). */
  eventsUrl: string;
  /** Where audio goes when there is no object store (web, or a proxy in front of it). */
  webUrl?: string;
  objectStore?: ObjectStoreSettings;
  mp3?: boolean;
  ffmpegPath?: string;
  options?: Partial<RecordingServiceOptions>;
}

/** Fast retries for tests; everything else as in production. */
export const TEST_OPTIONS: Partial<RecordingServiceOptions> = {
  retryBaseMs: 50,
  retryMaxMs: 400,
  deliveryTimeoutMs: 15_000,
  settleMs: 300,
};

/** Builds (does not start) the service. */
export function buildService(setup: ServiceSetup): ServiceUnderTest {
  const config = testConfig("redis://127.0.0.1:1", {
    internalApiSecret: TEST_INTERNAL_SECRET,
    webUrl: setup.webUrl ?? setup.eventsUrl,
    recordings: {
      spoolDir: setup.spoolDir,
      mp3: setup.mp3 ?? false,
      ffmpegPath: setup.ffmpegPath ?? "ffmpeg",
      greetingsDir: null,
    },
    objectStore: setup.objectStore ?? null,
  });
  const esl = createTestEventSource();
  const sink = createWebSink(setup.eventsUrl, TEST_INTERNAL_SECRET);
  const registry = new Registry();
  const warnings: string[] = [];
  const service = createRecordingService(config, {
    esl,
    sink,
    registry,
    warn: (line) => warnings.push(line),
    options: { ...TEST_OPTIONS, ...setup.options },
  });
  if (!service) throw new Error("no service: the spool is configured");
  return {
    service,
    esl,
    sink,
    registry,
    warnings,
    config,
    async stop() {
      await service.stop();
      sink.close();
    },
  };
}

/** Emits `events` as the ESL client would, waits for the job they start, then until it is done. */
export async function handOver(t: ServiceUnderTest, ...events: EslEvent[]): Promise<void> {
  for (const event of events) t.esl.emit(event);
  await eventually("the job starts", () => t.service.pending() === 1);
  await t.service.idle();
}

/** One series' value from the registry's exposition (0 when absent). */
export async function metricValue(registry: Registry, series: string): Promise<number> {
  for (const line of (await registry.render()).split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
