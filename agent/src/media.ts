/**
 * The media side of the composition root: the event outbox (every event for web goes through it),
 * the FreeSWITCH event socket, the CDR builder on it, the recordings service, the presence
 * consumer on Kamailio's evapi, and users' greetings copied for FreeSWITCH. `createAgent` calls this once; each part is built only when its
 * configuration is there, and nothing connects before the agent starts the services.
 */
import { Redis } from "ioredis";
import type { AgentService } from "./agent.ts";
import type { AgentConfig } from "./config.ts";
import { type CdrService, createCdrService } from "./cdr/service.ts";
import { createCdrMetrics } from "./cdr/metrics.ts";
import type { FolderCall } from "./cdr/reconcile.ts";
import { createEslService, type EslService } from "./esl/client.ts";
import { createEslMetrics } from "./esl/metrics.ts";
import type { WarnLogger } from "./log.ts";
import { createGreetingSync, type GreetingSync } from "./greetings/sync.ts";
import type { Registry } from "./metrics/registry.ts";
import { createOutbox, type Outbox } from "./outbox/outbox.ts";
import { createOutboxMetrics } from "./outbox/metrics.ts";
import { createPresenceService, type PresenceService } from "./presence/consumer.ts";
import { createPresenceMetrics } from "./presence/metrics.ts";
import { createRedisPresenceStore } from "./presence/state-store.ts";
import { readRedisLocations } from "./presence/redis-locations.ts";
import { noticeFromCareflow } from "./recordings/intake.ts";
import { createRecordingService, type RecordingService } from "./recordings/service.ts";
import { defaultConsumerName } from "./outbox/keys.ts";
import {
  createSipCallConsumer,
  createSipCallMetrics,
  type SipCallConsumer,
} from "./sip-calls/consumer.ts";

/** The media parts that were configured; each null when its variables are unset. */
export interface MediaSide {
  outbox: Outbox | null;
  esl: EslService | null;
  cdr: CdrService | null;
  recordings: RecordingService | null;
  presence: PresenceService | null;
  /** Kamailio's own call records (no FreeSWITCH): null with FreeSWITCH or without Kamailio. */
  sipCalls: SipCallConsumer | null;
  /** Users' greetings copied for FreeSWITCH; null without `VOICEMAIL_GREETINGS_DIR`. */
  greetings: GreetingSync | null;
  /** In start order: the deliverer first (producers may append at once), the socket last. */
  services: AgentService[];
}

/** What the media side is built on. */
export interface MediaDeps {
  redis: Redis;
  registry: Registry;
  warn: WarnLogger;
}

/** Whether any producer of events for web is configured (the outbox is built only then). */
function hasProducers(config: AgentConfig): boolean {
  return Boolean(config.freeswitch || config.recordings.spoolDir || config.kamailioEvapi);
}

/**
 * Hands the recordings of a call from the CDR folder to the recordings service: a call that
 * ended while ESL was away never sent its RECORD_STOP. A recording already known, or already
 * delivered (its WAV gone), changes nothing.
 */
async function admitFolderRecordings(recordings: RecordingService, call: FolderCall) {
  for (const leg of call.legs) {
    const result = noticeFromCareflow(leg.careflow, {
      path: leg.careflow.recordingPath ?? leg.recordingPath ?? leg.voicemailPath ?? undefined,
      stopped: false,
      callId: call.callId,
      endedAt: call.endedAt,
    });
    if (result.ok) await recordings.submit(result.notice);
  }
}

/** Builds the configured media parts, wired to each other; none of them runs yet. */
export function createMediaSide(config: AgentConfig, deps: MediaDeps): MediaSide {
  const { redis, registry, warn } = deps;
  const greetings = config.recordings.greetingsDir && config.webUrl
    ? createGreetingSync({
      dir: config.recordings.greetingsDir,
      webUrl: config.webUrl,
      secret: config.internalApiSecret,
      ffmpegPath: config.recordings.ffmpegPath,
      registry,
      warn,
    })
    : null;
  if (!hasProducers(config)) {
    return {
      outbox: null,
      esl: null,
      cdr: null,
      recordings: null,
      presence: null,
      sipCalls: null,
      greetings,
      services: greetings ? [greetings] : [],
    };
  }
  const outbox = createOutbox({
    redis,
    webUrl: config.webUrl,
    secret: config.internalApiSecret,
    batchSize: config.events.batchSize,
    metrics: createOutboxMetrics(registry),
    warn,
  });
  const esl = config.freeswitch
    ? createEslService(config.freeswitch.esl, { metrics: createEslMetrics(registry), warn })
    : null;
  const recordings = createRecordingService(config, {
    esl,
    sink: outbox.sink,
    registry,
    warn,
  });
  const cdr = esl
    ? createCdrService({
      source: esl,
      sink: outbox.sink,
      metrics: createCdrMetrics(registry),
      warn,
      cdrDir: config.freeswitch!.cdrDir,
      onFolderCall: recordings ? (call) => admitFolderRecordings(recordings, call) : undefined,
    })
    : null;
  // Registrations kept in Redis by the Kamailio nodes (WITH_REDIS_USRLOC): read there on resync.
  const usrloc = config.kamailioUsrlocRedisUrl
    ? new Redis(config.kamailioUsrlocRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    : null;
  const presence = config.kamailioEvapi
    ? createPresenceService({
      evapi: config.kamailioEvapi,
      rpcUrl: config.kamailioRpcUrl,
      rpcSecret: config.kamailioApiSecret,
      readLocations: usrloc ? () => readRedisLocations(usrloc) : undefined,
      sink: outbox.sink,
      store: createRedisPresenceStore(redis),
      metrics: createPresenceMetrics(registry),
      warn,
    })
    : null;
  // Without FreeSWITCH, the Kamailio beside this agent records the calls itself (records.cfg).
  const sipCalls = config.kamailioEvapi && !config.freeswitch
    ? createSipCallConsumer({
      redis,
      sink: outbox.sink,
      metrics: createSipCallMetrics(registry),
      warn,
      consumer: defaultConsumerName(),
    })
    : null;
  const usrlocClient: AgentService | null = usrloc
    ? {
      name: "usrloc redis",
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(usrloc.disconnect()),
    }
    : null;
  // Stopped last-started-first: the usrloc client goes after the presence service.
  const services = [
    outbox.deliverer,
    greetings,
    recordings,
    cdr,
    sipCalls,
    usrlocClient,
    presence,
    esl,
  ].filter((service): service is NonNullable<typeof service> => service !== null);
  return { outbox, esl, cdr, recordings, presence, sipCalls, greetings, services };
}
