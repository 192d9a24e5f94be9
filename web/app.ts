/**
 * The Hono app: middleware and routes, mounted from the services `compose.ts` built. Nothing is
 * constructed here, so every route's dependencies are visible in one place.
 */
import { Hono } from "hono";
import { problem, problemHandler } from "../shared/http/problem.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { AppEnv } from "./http/env.ts";
import type { ManifestSource } from "./build/manifest.ts";
import type { Store } from "./store/mod.ts";
import type { PasswordHasher } from "./auth/passwords.ts";
import type { SessionService } from "./auth/sessions.ts";
import type { LoginThrottle } from "./auth/login-throttle.ts";
import type { HashQueue } from "./auth/hash-queue.ts";
import type { KnownDevices } from "./auth/known-devices.ts";
import type { FirebaseVerifier } from "./auth/firebase.ts";
import type { SignUp } from "./auth/signup.ts";
import type { Invitations } from "./auth/invitations.ts";
import type { PasswordChange } from "./auth/password-change.ts";
import type { PasswordResets } from "./auth/password-reset.ts";
import type { CallService } from "./calls/service.ts";
import { iceServersFor } from "./calls/ice-servers.ts";
import type { SipEdge } from "./sip/mod.ts";
import type { RecordingService } from "./recordings/mod.ts";
import type { RecordingStorage } from "./recordings/storage/types.ts";
import { recordingRoutes } from "./routes/api/recordings.ts";
import { recordingUploadRoutes } from "./routes/api/recording-uploads.ts";
import { voicemailRoutes } from "./routes/api/voicemail.ts";
import { twilioWebhookRoutes } from "./routes/webhooks/twilio.ts";
import { twilioToken } from "./twilio/token.ts";
import type { TwilioMedia } from "./twilio/media.ts";
import { settingsRoutes } from "./routes/api/settings.ts";
import { userSettingsRoutes } from "./routes/api/user-settings.ts";
import { guardEveryRequest, limitAbuse } from "./middleware/every-request.ts";
import type { WebMetrics } from "./metrics/mod.ts";
import { loadSession } from "./middleware/session.ts";
import { authRoutes } from "./routes/api/auth.ts";
import { accountRoutes } from "./routes/api/account.ts";
import { peopleRoutes } from "./routes/api/people.ts";
import type { PresenceReader } from "./people/presence.ts";
import { callRoutes } from "./routes/api/calls.ts";
import { analyticsRoutes } from "./routes/api/analytics.ts";
import { signalRoutes } from "./routes/api/signal.ts";
import { sipRoutes } from "./routes/api/sip.ts";
import { adminRoutes } from "./routes/api/admin.ts";
import { healthOf, type SystemHealth } from "./admin/health.ts";
import { passwordResetRoutes } from "./routes/api/password-reset.ts";
import { resetPasswordRoutes } from "./routes/reset-password.tsx";
import { internalRoutes } from "./routes/internal.ts";
import { pageRoutes } from "./routes/pages.ts";
import { NotFoundPage } from "./routes/not-found.tsx";
import { renderPage } from "./render/page.ts";
import { h } from "preact";

/** Everything the routes use, built by `compose.ts`. */
export interface AppServices {
  config: Config;
  logger: Logger;
  store: Store;
  /** The same store without the read caches in front of it: for reads that a write follows. */
  uncachedStore: Store;
  manifest: ManifestSource;
  passwords: PasswordHasher;
  /** Every password hash of a request waits here for one of a bounded number of slots. */
  hashQueue: HashQueue;
  /** Known-device cookies: their sign-ins are throttled per device, apart from the account. */
  devices: KnownDevices;
  sessions: SessionService;
  throttle: LoginThrottle;
  signUp: SignUp;
  /** Invitations to sign up: made by admins, required by sign-up when `SIGNUP=invite`. */
  invitations: Invitations;
  /** A signed-in person's own password change, through the sign-in's throttle and hash queue. */
  passwordChange: PasswordChange;
  /** One-time password-reset links admins issue for local accounts (there is no mail). */
  passwordResets: PasswordResets;
  /** Present only in Firebase mode. */
  firebase?: FirebaseVerifier;
  /** Browser-to-browser calls (webrtc mode): relays signaling, writes call records. */
  calls: CallService;
  /** Whether a user has a signaling tab open on any instance (the hub knows). */
  online: (userId: string) => Promise<boolean>;
  /** The presence colleagues see (tabs, calls, activity, SIP phones, do-not-disturb). */
  presence: PresenceReader;
  /** The web side of the SIP edge; present when SIP is configured. */
  sip?: SipEdge;
  /** Recordings and voicemail, over `storage`. */
  recordings: RecordingService;
  storage: RecordingStorage;
  /** Twilio's recordings, with Twilio configured (tests: pointed at a stand-in for Twilio). */
  twilioMedia?: TwilioMedia;
  metrics: WebMetrics;
  now: () => Date;
}

/** Builds the Hono app from its services. No globals. */
export function createApp(services: AppServices): Hono<AppEnv> {
  const { config, logger, store, sip } = services;
  const app = new Hono<AppEnv>();

  guardEveryRequest(app, services);
  // Before the session middleware: the agent's API never looks at cookies.
  app.route(
    "/internal",
    internalRoutes({
      sip,
      logger,
      now: services.now,
      intake: { store, storage: services.storage, logger, now: services.now },
    }),
  );
  if (config.twilio && config.publicUrl && services.twilioMedia) {
    app.route(
      "/api/webhooks/twilio",
      twilioWebhookRoutes({
        twilio: config.twilio,
        publicUrl: config.publicUrl,
        store,
        storage: services.storage,
        media: services.twilioMedia,
        logger,
        now: services.now,
      }),
    );
  }
  app.use("*", loadSession(services.sessions));
  limitAbuse(app, config);

  const { authApi, resetApi } = mountAuth(app, services);
  // One health reader (and agent probe) for the admin API and the Admin section.
  const health = healthOf(services);
  mountAccount(app, services);
  app.route("/api/users", peopleRoutes({ ...services, users: store, people: store, calls: store }));
  app.route(
    "/api/users/settings",
    userSettingsRoutes({
      users: store,
      settings: store,
      liveSettings: services.uncachedStore,
      retention: config.recordings.retention,
      sip,
      organisationNumbers: config.twilio ? [config.twilio.phoneNumber] : [],
      now: services.now,
    }),
  );
  app.route(
    "/api/me/settings",
    settingsRoutes({
      users: store,
      retention: config.recordings.retention,
      sip,
      organisationNumbers: config.twilio ? [config.twilio.phoneNumber] : [],
    }),
  );
  app.route("/api/recordings", recordingUploadRoutes({ recordings: services.recordings }));
  app.route("/api/recordings", recordingRoutes({ recordings: services.recordings, users: store }));
  app.route("/api/voicemail", voicemailRoutes({ recordings: services.recordings, sip }));
  app.route("/api/sip", sipRoutes({ sip, presence: store, logger }));
  app.route(
    "/api/admin",
    adminRoutes({
      users: store,
      sessions: store,
      agent: sip?.agent,
      logger,
      recordings: services.recordings,
      invitations: services.invitations,
      passwordResets: services.passwordResets,
      sip,
      publicUrl: config.publicUrl,
      trail: store,
      health,
      now: services.now,
    }),
  );
  app.route("/api/calls", callRoutes({ calls: store }));
  app.route(
    "/api/analytics",
    analyticsRoutes({ analytics: store, calls: store, now: services.now }),
  );
  app.route(
    "/api/signal",
    signalRoutes({
      calls: services.calls,
      logger,
      sockets: { opened: services.metrics.socketOpened, closed: services.metrics.socketClosed },
      sessionValid: (key) => services.sessions.stillValid(key),
      maxPerSource: config.limits.socketsPerSource,
      idleSeconds: config.limits.signalIdleSeconds,
      trustedProxies: config.limits.trustedProxies,
    }),
  );
  app.all("/api/*", (c) => {
    throw problem(404, `There is no API endpoint ${c.req.method} ${c.req.path}.`);
  });
  mountPages(app, services, { authApi, resetApi }, health);
  handleErrors(app, services);
  return app;
}

/** The pages: the reset-password page, the public pages and the dashboard's sections. */
function mountPages(
  app: Hono<AppEnv>,
  services: AppServices,
  apis: { authApi: Hono<AppEnv>; resetApi: Hono<AppEnv> },
  health: () => Promise<SystemHealth>,
) {
  const { store } = services;
  app.route(
    "/",
    resetPasswordRoutes({
      api: apis.resetApi,
      manifest: services.manifest,
      admits: (token) => services.passwordResets.admits(token),
    }),
  );
  app.route(
    "/",
    pageRoutes({
      manifest: services.manifest,
      sessions: services.sessions,
      signupMode: services.config.signup.mode,
      authApi: apis.authApi,
      unlistenedVoicemail: (userId) => store.countUnlistenedVoicemail(userId),
      missedSince: missedCallCount(store),
      analytics: store,
      // The Admin section's figures, read as the admin API reads them.
      admin: { users: store, trail: store, analytics: store, health },
    }),
  );
}

/**
 * `/api/auth` (sign-up, sign-in, sign-out) and `/api/auth/password-reset`; both apps are handed
 * back, for the plain forms that post to them.
 */
function mountAuth(app: Hono<AppEnv>, services: AppServices) {
  const { config, logger, store } = services;
  const authApi = authRoutes({
    users: store,
    signUp: services.signUp,
    invitations: config.signup.mode === "invite" ? services.invitations : undefined,
    passwords: services.passwords,
    hashQueue: services.hashQueue,
    devices: services.devices,
    sessions: services.sessions,
    throttle: services.throttle,
    loginLimit: {
      perSourcePerMinute: config.limits.loginsPerSourcePerMinute,
      trustedProxies: config.limits.trustedProxies,
    },
    firebase: services.firebase,
    secureCookies: config.publicUrl?.startsWith("https:") ?? false,
  });
  app.route("/api/auth", authApi);
  const resetApi = passwordResetRoutes({
    passwordResets: services.passwordResets,
    logger,
    limit: {
      perSourcePerMinute: config.limits.loginsPerSourcePerMinute,
      trustedProxies: config.limits.trustedProxies,
    },
  });
  app.route("/api/auth/password-reset", resetApi);
  return { authApi, resetApi };
}

function mountAccount(app: Hono<AppEnv>, services: AppServices) {
  const { config, logger, store, sip } = services; // me, lookup, token, the account's changes
  app.route(
    "/api",
    accountRoutes({
      users: store,
      callMode: config.callMode,
      ringTimeoutSeconds: config.calls.ringTimeoutMs / 1000,
      iceServers: (care4wId) => iceServersFor(config, care4wId),
      sipCredentials: sip ? (care4wId) => sip.browserCredentials(care4wId) : undefined,
      twilioToken: config.twilio
        ? (care4wId) => twilioToken(config.twilio!, care4wId, services.now())
        : undefined,
      passwordChange: services.passwordChange,
      sessions: store,
      sip,
      logger,
      settings: store,
      online: services.online,
      presence: services.presence,
    }),
  );
}

/** A page for unknown paths; problem+json for errors, logged without their secrets. */
function handleErrors(app: Hono<AppEnv>, services: AppServices) {
  app.notFound((c) =>
    c.html(
      renderPage({
        title: "Not found",
        body: h(NotFoundPage, {}),
        nonce: c.get("nonce"),
        manifest: services.manifest(),
      }),
      404,
    )
  );
  app.onError(problemHandler((error, request, c) => {
    services.logger.error("unhandled error", {
      requestId: c.get("requestId"),
      path: request.path,
      error: error instanceof Error ? error.name : "unknown",
      detail: error instanceof Error ? error.message.slice(0, 200) : undefined,
    });
  }));
}

/** How many calls a user missed since a moment: the History badge's count. */
function missedCallCount(store: Pick<Store, "listCallsForUser">) {
  return async (userId: string, since: Date) =>
    (await store.listCallsForUser(userId, {
      page: 1,
      limit: 0,
      direction: "inbound",
      status: "missed",
      from: since,
    })).total;
}
