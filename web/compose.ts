/**
 * The composition root: every service of the web app is built here, from the validated
 * configuration, and handed to `createApp`, which only mounts middleware and routes. The server
 * (`main.ts`), the test kits and the benchmarks all wire the app through this file; a part given
 * in `overrides` (a cheaper password hasher, an in-memory store, a recording agent client) is
 * used instead of the one the configuration asks for.
 */
import { type AppServices, createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { manifestSource } from "./build/manifest.ts";
import { argon2Hasher } from "./auth/passwords.ts";
import { createFirebaseVerifier } from "./auth/firebase.ts";
import { createLoginThrottle } from "./auth/login-throttle.ts";
import { createHashQueue } from "./auth/hash-queue.ts";
import { createKnownDevices } from "./auth/known-devices.ts";
import { createSessionService } from "./auth/sessions.ts";
import { createSignUp } from "./auth/signup.ts";
import { createInvitations } from "./auth/invitations.ts";
import { createPasswordChange } from "./auth/password-change.ts";
import { createPasswordResets } from "./auth/password-reset.ts";
import { type CallService, createCallService } from "./calls/service.ts";
import { createCallTickets } from "./calls/tickets.ts";
import { loadOrCreateKey } from "./recordings/storage/recordings-key.ts";
import { type AgentClient, createAgentClient } from "./sip/agent-client.ts";
import { storeOutbox } from "./sip/agent-outbox.ts";
import { createSipEdge } from "./sip/mod.ts";
import type { Hub } from "./signal/hub.ts";
import { createMemoryHub } from "./signal/memory-hub.ts";
import { createPresenceReader } from "./people/presence.ts";
import { createRedisHub } from "./signal/redis-hub.ts";
import { openStore, settingsOfUser, type Store } from "./store/mod.ts";
import { createRecordingService } from "./recordings/mod.ts";
import { openRecordingStorage } from "./recordings/storage/mod.ts";
import { createTwilioMedia } from "./twilio/media.ts";
import { createWebMetrics } from "./metrics/mod.ts";
import { cachingSessionReads } from "./auth/session-cache.ts";
import { cachingLookupReads } from "./store/lookup-cache.ts";
import { countingCalls, countingFailures } from "./metrics/counted-store.ts";
import type { RecordingStorage } from "./recordings/storage/types.ts";

/** How often retention and stalled-recording work runs. */
const SWEEP_MS = 5 * 60_000;

/** What a caller may bring instead of what the configuration would build. */
export type Overrides = Partial<
  Pick<AppServices, "logger" | "manifest" | "passwords" | "firebase" | "now" | "twilioMedia"> & {
    agent: AgentClient;
    calls: CallService;
    /** false: no sweeper timer (tests run `recordings.sweep()` themselves). */
    sweep: false;
  }
>;

/** The wired app and the services behind it. */
export interface ComposedWeb {
  app: ReturnType<typeof createApp>;
  services: AppServices;
  /**
   * Settles once changes an earlier run left undelivered have been taken up again (how many);
   * 0 at once without SIP or with an agent client given by the caller.
   */
  resumed: Promise<number>;
  /** Ends calls and stops the agent client's retries; the caller then closes hub and store. */
  close(): Promise<void>;
}

/** The hub this configuration asks for: Redis across instances, else in this process. */
export async function openHub(config: Pick<Config, "redisUrl">): Promise<Hub> {
  return config.redisUrl ? await createRedisHub({ url: config.redisUrl }) : createMemoryHub();
}

/**
 * Wires the app over an open store and hub (which stay the caller's to close). Everything else
 * comes from `config` unless given in `overrides`.
 */
export function composeWeb(
  config: Config,
  resources: { store: Store; hub: Hub; storage: RecordingStorage; ticketKey?: Uint8Array },
  overrides: Overrides = {},
): ComposedWeb {
  const { storage } = resources;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const now = overrides.now ?? (() => new Date());
  const metrics = createWebMetrics();
  // `store.uncached` is then the store with neither cache in front.
  const store = cachingLookupReads(
    cachingSessionReads(countingCalls(resources.store, metrics, now)),
  );
  const calls = overrides.calls ?? callService(config, { ...resources, store }, logger);
  const agent = overrides.agent ?? (config.sip
    ? createAgentClient({
      agentUrl: config.sip.agentUrl,
      secret: config.sip.internalApiSecret,
      logger,
      outbox: storeOutbox(store, now),
    })
    : undefined);
  const signUp = createSignUp(store);
  // One of each per app: the sign-in, the password change and the reset share their slots,
  // locks and counts, so none of them is a way around another's limits.
  const passwords = overrides.passwords ?? argon2Hasher({}, config.passwordHasher);
  const hashQueue = createHashQueue(config.passwordHashing);
  const devices = createKnownDevices(config.knownDevices, now);
  const throttle = countingFailures(createLoginThrottle(store, config.login, now), metrics);
  const services: AppServices = {
    config,
    logger,
    store,
    uncachedStore: store.uncached,
    metrics,
    now,
    calls,
    online: (userId) => resources.hub.isOnline(userId),
    presence: createPresenceReader({ hub: resources.hub, phones: store, settings: store }),
    manifest: overrides.manifest ?? manifestSource({ watch: config.dev }),
    passwords,
    hashQueue,
    devices,
    firebase: overrides.firebase ??
      (config.firebase
        ? createFirebaseVerifier(config.firebase.projectId, config.firebase.jwksUrl)
        : undefined),
    sessions: createSessionService(store, config.sessionTtlMinutes, now, store.uncached),
    throttle,
    signUp,
    invitations: createInvitations({ store, signUp, days: config.signup.inviteDays, now }),
    passwordChange: createPasswordChange({
      users: store,
      store,
      passwords,
      hashQueue,
      throttle,
      devices,
    }),
    passwordResets: createPasswordResets({
      store,
      passwords,
      hashQueue,
      throttle,
      minutes: config.passwordResetMinutes,
      now,
    }),
    sip: config.sip && agent ? createSipEdge(config.sip, { store, agent, now }) : undefined,
    storage,
    twilioMedia: overrides.twilioMedia ??
      (config.twilio ? createTwilioMedia(config.twilio) : undefined),
    recordings: createRecordingService({
      store,
      storage,
      config: config.recordings,
      logger,
      now,
    }),
  };
  const sweeper = overrides.sweep === false ? undefined : setInterval(() => {
    services.recordings.sweep().catch((error) =>
      logger.error("recordings sweep failed", { error: error?.name ?? "unknown" })
    );
  }, SWEEP_MS);
  const resumed = overrides.agent || !agent ? Promise.resolve(0) : resumeOrLog(agent, logger);
  return {
    app: createApp(services),
    services,
    resumed,
    async close() {
      clearInterval(sweeper);
      await resumed;
      if (!overrides.agent) agent?.close();
      await calls.close();
    },
  };
}

/** The app over its own store and hub. */
export interface OpenedWeb extends ComposedWeb {
  /**
   * Ends calls and retries, waits for `drain` (the server finishing its requests), then closes
   * hub and store.
   */
  close(drain?: () => Promise<void>): Promise<void>;
}

/**
 * Opens the store and hub the configuration names and wires the app over them; `close()` also
 * closes both. What `main.ts` runs.
 */
export async function openWeb(config: Config, overrides: Overrides = {}): Promise<OpenedWeb> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  let hub: Hub | undefined;
  let storage: RecordingStorage;
  let ticketKey: Uint8Array | undefined;
  try {
    hub = await openHub(config);
    storage = await openRecordingStorage(config.recordings, config.dataDir, logger);
    ticketKey = await callTicketKey(config);
  } catch (error) {
    await hub?.close();
    await store.close();
    throw error;
  }
  const opened = { store, hub, storage, ticketKey };
  const web = composeWeb(config, opened, { logger, ...overrides });
  return {
    ...web,
    async close(drain) {
      await web.close();
      await drain?.();
      await opened.hub.close();
      await store.close();
    },
  };
}

/**
 * Browser-to-browser calls: finished calls go to the store (whose insert ignores a repeated id),
 * callees are active users found by CareFlow ID, limits come from configuration.
 */
function callService(
  config: Config,
  resources: { store: Store; hub: Hub; ticketKey?: Uint8Array },
  logger: Logger,
): CallService {
  const { store, hub } = resources;
  if (!resources.ticketKey) {
    logger.warn("set CALL_TICKET_KEY: without it a restart ends the browser calls in progress");
  }
  return createCallService({
    hub,
    tickets: createCallTickets(resources.ticketKey ?? crypto.getRandomValues(new Uint8Array(32))),
    recordCall: (record) => store.insertCall(record),
    callIdUsed: (callId) => store.hasCall(callId),
    async lookupUser(care4wId) {
      const user = await store.findUserByCare4wId(care4wId);
      if (!user?.isActive) return null;
      const { privacy, presence } = await settingsOfUser(store, user.id);
      return {
        userId: user.id,
        care4wId: user.care4wId,
        displayName: user.displayName,
        acceptsDirectCalls: privacy.allowDirectCalls,
        doNotDisturb: presence.doNotDisturb,
        callWaiting: presence.callWaiting,
      };
    },
    ...config.calls,
    onError: (error) =>
      logger.error("call service error", {
        error: error instanceof Error ? error.name : "unknown",
        detail: error instanceof Error ? error.message.slice(0, 200) : undefined,
      }),
  });
}

/** The key of call tickets: configured, else kept beside the embedded store's data. */
async function callTicketKey(config: Config): Promise<Uint8Array | undefined> {
  if (config.callTicketKey || config.mongodbUri) return config.callTicketKey;
  return (await loadOrCreateKey(config.dataDir, "call-tickets.key", "CALL_TICKET_KEY")).key;
}

function resumeOrLog(agent: AgentClient, logger: Logger): Promise<number> {
  return agent.resume().catch((error) => {
    // The store is unreadable: the app still serves, and the next start tries again.
    logger.error("could not resume undelivered subscriber changes", { error: error.name });
    return 0;
  });
}
