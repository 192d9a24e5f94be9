import { z } from "zod";
import { CALL_MODES, type CallMode } from "../shared/calls.ts";
import { readEnv } from "../shared/config.ts";
import { aesKey } from "./config-rules.ts";
import {
  type RecordingsConfig,
  recordingsConfig,
  recordingsEnv,
  recordingsIssues,
} from "./recordings/config.ts";
import { type TwilioConfig, twilioConfig, twilioEnv, twilioIssues } from "./twilio/config.ts";

export { ConfigError } from "../shared/config.ts";

const GOOGLE_SECURETOKEN_JWKS =
  "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

const commaList = z.string().trim().transform((value) =>
  value === "" ? [] : value.split(",").map((item) => item.trim()).filter(Boolean)
);

/** Variables that make up the SIP edge; `CALL_MODE=sip` (or any one of them) needs them all. */
const SIP_REQUIRED = [
  "SIP_DOMAIN",
  "SIP_WS_URL",
  "SIP_PROXY",
  "SIP_CREDENTIAL_SECRET",
  "INTERNAL_API_SECRET",
  "AGENT_URL",
  "SIP_PASSWORD_KEY",
] as const;

const secret = z.string().min(16, "must be at least 16 characters");

/** Every environment variable the web app reads, with its rule and default. */
const EnvSchema = z.object({
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * argon2id in a native addon (`native`, default) or in WebAssembly (`wasm`: edge hosts that
   * load no addons). Both read each other's hashes.
   */
  PASSWORD_HASHER: z.enum(["native", "wasm"]).default("native"),
  /**
   * Password hashes computed at once (each ~19 MiB); unset: one per CPU core but one, which is
   * left to the event loop that serves every request (measured: `deno task bench:login`).
   */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** Password checks that may wait for a free hash slot; beyond that, sign-ins get 503. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(100_000).default(128),
  /** Bearer token a Prometheus scraper sends for `/metrics`; unset, there is no `/metrics`. */
  METRICS_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  CALL_MODE: z.enum(CALL_MODES).default("webrtc"),
  /**
   * What serves web: node:http (default: WebSocket frames refused at their header) or, on an
   * edge host that offers only it, `Deno.serve` (frames up to 64 MiB are taken whole first).
   */
  HTTP_SERVER: z.enum(["node", "deno"]).default("node"),
  STUN_URLS: commaList.pipe(z.array(z.string().regex(/^stuns?:/, "must start with stun:")))
    .default([]),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// URI").optional(),
  FIREBASE_PROJECT_ID: z.string().regex(/^[a-z0-9-]{4,40}$/, "must be a Firebase project id")
    .optional(),
  FIREBASE_JWKS_URL: z.url().default(GOOGLE_SECURETOKEN_JWKS),
  SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 30).default(60 * 24 * 7),
  /**
   * Who may create a local account: `invite` (only with an admin's invitation link, the default)
   * or `open` (anyone; its 409 for a taken email tells strangers who has an account: trials only).
   */
  SIGNUP: z.enum(["invite", "open"]).default("invite"),
  /** How long an invitation link stays good. */
  INVITE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** How long an admin's password-reset link stays good (it works once). */
  PASSWORD_RESET_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(60),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Failed sign-ins per account (or known device) inside the window before backoff begins. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** The first backoff wait; it doubles with each further failure. */
  LOGIN_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** The longest backoff wait. */
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Sign-in attempts per client address per minute, refused before any password is hashed. */
  LOGINS_PER_SOURCE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(30),
  /** Signs known-device cookies; unset: a random secret per process (set it for several instances). */
  LOGIN_DEVICE_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** How long a device stays known after its last sign-in. */
  LOGIN_DEVICE_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  TURN_URLS: commaList.pipe(
    z.array(z.string().regex(/^turns?:/, "must start with turn: or turns:")),
  ).default([]),
  TURN_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  RING_TIMEOUT_SECONDS: z.coerce.number().min(0.5).max(300).default(45),
  CALL_GRACE_SECONDS: z.coerce.number().min(0.5).max(300).default(10),
  /**
   * A dashboard tab without input this long counts as idle: colleagues see "away" once all of a
   * user's tabs are idle or hidden. Pages report input at most every 10 s, so less than 15 s
   * would call busy people away.
   */
  AWAY_AFTER_SECONDS: z.coerce.number().int().min(15).max(86_400).default(300),
  /**
   * Signs the tickets that let a browser call outlive a web restart (32 bytes, base64; the same on
   * every instance). Unset: kept in `DATA_DIR/call-tickets.key` on the embedded store, a random
   * key per process with MongoDB (a restart then ends the calls it held).
   */
  CALL_TICKET_KEY: aesKey.optional(),
  MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  CALL_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Directory lookups per user per minute (the dialer looks a typed ID up once). */
  LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(120),
  /** Sign-ups per client address per hour. */
  SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Calls one user may be rung with per minute, from everyone (an offline user too). */
  RINGS_PER_CALLEE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Reverse proxies whose `X-Forwarded-For` names the client (their addresses, comma-separated). */
  TRUSTED_PROXIES: commaList.default([]),
  /** Signaling WebSockets one client address may hold on an instance (a site's NAT: many tabs). */
  SOCKETS_PER_SOURCE: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Seconds a signaling socket may leave the server's ping unanswered before it is closed. */
  SIGNAL_IDLE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SIP_DOMAIN: z.string().trim().regex(/^[A-Za-z0-9.-]{1,253}$/, "must be a domain name")
    .optional(),
  SIP_WS_URL: z.url({ protocol: /^wss?$/, error: "must be a ws:// or wss:// URL" }).optional(),
  // A SIP URI (`sip:host:port;transport=udp`) or a bare `host:port`, which gets `sip:` added.
  SIP_PROXY: z.string().trim().regex(
    /^(sips?:)?[A-Za-z0-9.-]+(:\d{1,5})?(;[A-Za-z0-9_.=-]+)*$/,
    "must be a SIP URI like sip:pbx.example.org:5060;transport=udp",
  ).transform((value) => /^sips?:/.test(value) ? value : `sip:${value}`).optional(),
  SIP_CREDENTIAL_SECRET: secret.optional(),
  INTERNAL_API_SECRET: secret.optional(),
  AGENT_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  SIP_PASSWORD_KEY: aesKey.optional(),
  SIP_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Gone: signing up with a listed address made anyone who got there first an admin. */
  ADMIN_EMAILS: z.undefined({
    error: "is no longer read: make the first admin with `deno task admin promote <email>`",
  }).optional(),
  /** Set by `deno task dev`: the island manifest is re-read after every rebuild. */
  CAREFLOW_DEV: z.enum(["0", "1"]).default("0"),
  ...recordingsEnv,
  ...twilioEnv,
});

/** The rules that relate variables, on their raw values (see `readEnv`). */
function relatedIssues(env: Record<string, string>): string[] {
  const issues: string[] = [];
  // CALL_MODE picks the engine for CareFlow IDs; Twilio, when its variables are set, carries
  // phone numbers beside it. The browser's Twilio engine is not built yet: refused, not broken.
  if (env.CALL_MODE === "twilio") {
    issues.push(
      "CALL_MODE: twilio is not a browser engine here; use webrtc or sip (TWILIO_* adds phone calls)",
    );
  }
  issues.push(...twilioIssues(env));
  if (env.TURN_URLS?.trim() && !env.TURN_SECRET) {
    issues.push("TURN_SECRET: is required when TURN_URLS is set");
  }
  issues.push(...recordingsIssues(env));
  if (Number(env.LOGIN_BACKOFF_SECONDS ?? 60) > Number(env.LOGIN_BACKOFF_MAX_SECONDS ?? 300)) {
    issues.push("LOGIN_BACKOFF_SECONDS: must not be more than LOGIN_BACKOFF_MAX_SECONDS");
  }
  const sipMode = env.CALL_MODE === "sip";
  if (sipMode || SIP_REQUIRED.some((name) => env[name] !== undefined)) {
    for (const name of SIP_REQUIRED.filter((name) => env[name] === undefined)) {
      issues.push(
        `${name}: ${
          sipMode ? "is required when CALL_MODE=sip" : "is required when SIP is configured"
        }`,
      );
    }
  }
  return issues;
}

/** The SIP edge (Kamailio + agent): present when configured, which `sip` mode requires. */
export interface SipConfig {
  /** SIP domain and digest realm. */
  domain: string;
  /** Kamailio's WebSocket for browsers. */
  wsUrl: string;
  /** Outbound proxy for SIP phones, as a SIP URI. */
  proxy: string;
  /** HMAC secret of ephemeral browser credentials (shared with the agent). */
  credentialSecret: string;
  /** Request-signing secret between web and agent. */
  internalApiSecret: string;
  /** Agent base URL, no trailing slash. */
  agentUrl: string;
  /** AES-256-GCM key for SIP phone passwords at rest. */
  passwordKey: Uint8Array;
  tokenTtlSeconds: number;
}

/** The validated configuration, read once at start-up. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string | undefined;
  metricsToken: string | undefined;
  limits: {
    lookupsPerMinute: number;
    signupsPerHour: number;
    loginsPerSourcePerMinute: number;
    socketsPerSource: number;
    signalIdleSeconds: number;
    trustedProxies: string[];
  };
  passwordHasher: "native" | "wasm";
  /** Bounds of the argon2 queue (hash-queue.ts). */
  passwordHashing: { concurrency: number; maxWaiting: number };
  callMode: CallMode;
  httpServer: "node" | "deno";
  stunUrls: string[];
  mongodbUri: string | undefined;
  firebase: { projectId: string; jwksUrl: string } | undefined;
  sessionTtlMinutes: number;
  /** `CALL_TICKET_KEY` when set (see there). */
  callTicketKey: Uint8Array | undefined;
  /** Local sign-up: by invitation (`invite`) or for anyone (`open`); Firebase sign-in aside. */
  signup: { mode: "invite" | "open"; inviteDays: number };
  /** Lifetime of an admin's one-time password-reset link for a local account. */
  passwordResetMinutes: number;
  logLevel: "debug" | "info" | "warn" | "error";
  login: {
    maxFailures: number;
    windowMinutes: number;
    backoffSeconds: number;
    maxBackoffSeconds: number;
  };
  /** Known-device cookies (known-devices.ts); no secret: a random one per process. */
  knownDevices: { secret: string | undefined; days: number };
  redisUrl: string | undefined;
  turn: { urls: string[]; secret: string; ttlSeconds: number } | undefined;
  calls: {
    ringTimeoutMs: number;
    graceMs: number;
    maxConcurrentCalls: number;
    maxAttemptsPerMinute: number;
    ringsPerCalleePerMinute: number;
    /** A tab idle this long no longer counts as active (presence "away"). */
    awayAfterMs: number;
  };
  sip: SipConfig | undefined;
  /** Development: follow island rebuilds. */
  dev: boolean;
  recordings: RecordingsConfig;
  /** Twilio, when all of its variables are set. */
  twilio: TwilioConfig | undefined;
}

/**
 * Validates the environment (the process's by default; the one place web reads it); throws a
 * `ConfigError` naming every bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Config {
  const e = readEnv(EnvSchema, env, relatedIssues);
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    publicUrl: e.PUBLIC_URL,
    metricsToken: e.METRICS_TOKEN,
    limits: {
      lookupsPerMinute: e.LOOKUPS_PER_MINUTE,
      signupsPerHour: e.SIGNUPS_PER_HOUR,
      loginsPerSourcePerMinute: e.LOGINS_PER_SOURCE_PER_MINUTE,
      socketsPerSource: e.SOCKETS_PER_SOURCE,
      signalIdleSeconds: e.SIGNAL_IDLE_SECONDS,
      trustedProxies: e.TRUSTED_PROXIES,
    },
    passwordHasher: e.PASSWORD_HASHER,
    passwordHashing: {
      concurrency: e.PASSWORD_HASH_CONCURRENCY ??
        Math.max(1, (navigator.hardwareConcurrency ?? 1) - 1),
      maxWaiting: e.PASSWORD_HASH_QUEUE,
    },
    callMode: e.CALL_MODE,
    httpServer: e.HTTP_SERVER,
    stunUrls: e.STUN_URLS,
    mongodbUri: e.MONGODB_URI,
    firebase: e.FIREBASE_PROJECT_ID
      ? { projectId: e.FIREBASE_PROJECT_ID, jwksUrl: e.FIREBASE_JWKS_URL }
      : undefined,
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    callTicketKey: e.CALL_TICKET_KEY,
    signup: { mode: e.SIGNUP, inviteDays: e.INVITE_DAYS },
    passwordResetMinutes: e.PASSWORD_RESET_MINUTES,
    logLevel: e.LOG_LEVEL,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      windowMinutes: e.LOGIN_WINDOW_MINUTES,
      backoffSeconds: e.LOGIN_BACKOFF_SECONDS,
      maxBackoffSeconds: e.LOGIN_BACKOFF_MAX_SECONDS,
    },
    knownDevices: { secret: e.LOGIN_DEVICE_SECRET, days: e.LOGIN_DEVICE_DAYS },
    redisUrl: e.REDIS_URL,
    turn: e.TURN_URLS.length > 0 && e.TURN_SECRET
      ? { urls: e.TURN_URLS, secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS }
      : undefined,
    calls: {
      ringTimeoutMs: Math.round(e.RING_TIMEOUT_SECONDS * 1000),
      graceMs: Math.round(e.CALL_GRACE_SECONDS * 1000),
      maxConcurrentCalls: e.MAX_CONCURRENT_CALLS,
      maxAttemptsPerMinute: e.CALL_ATTEMPTS_PER_MINUTE,
      ringsPerCalleePerMinute: e.RINGS_PER_CALLEE_PER_MINUTE,
      awayAfterMs: e.AWAY_AFTER_SECONDS * 1000,
    },
    sip: e.SIP_DOMAIN && e.SIP_WS_URL && e.SIP_PROXY && e.SIP_CREDENTIAL_SECRET &&
        e.INTERNAL_API_SECRET && e.AGENT_URL && e.SIP_PASSWORD_KEY
      ? {
        domain: e.SIP_DOMAIN,
        wsUrl: e.SIP_WS_URL,
        proxy: e.SIP_PROXY,
        credentialSecret: e.SIP_CREDENTIAL_SECRET,
        internalApiSecret: e.INTERNAL_API_SECRET,
        agentUrl: e.AGENT_URL,
        passwordKey: e.SIP_PASSWORD_KEY,
        tokenTtlSeconds: e.SIP_TOKEN_TTL_SECONDS,
      }
      : undefined,
    dev: e.CAREFLOW_DEV === "1",
    recordings: recordingsConfig(e),
    twilio: twilioConfig(e),
  };
}
