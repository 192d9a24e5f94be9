/**
 * Agent configuration from the environment, validated once at start-up. Every bad variable is
 * reported at once, each by name and why, never by value (it may be a secret). The only module
 * that reads `process.env`.
 */
import { z } from "zod";
import { readEnv } from "../../shared/config.ts";
import {
  objectStoreEnv,
  objectStoreIssues,
  type ObjectStoreSettings,
  objectStoreSettings,
} from "../../shared/object-store.ts";

export { ConfigError } from "../../shared/config.ts";

const httpUrl = z.url({ protocol: /^https?$/ });
const hostAndPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "must be host:port")
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(":") + 1));
    return port >= 1 && port <= 65535;
  }, "port must be 1-65535");
const absolutePath = z.string().regex(/^\/[^\0]*$/, "must be an absolute path");

const envSchema = z.object({
  AGENT_HOST: z.string().min(1).default("127.0.0.1"),
  AGENT_PORT: z.coerce.number().int().min(1).max(65535).default(7070),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  SIP_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+$/, "must be a domain name").default(
    "careflow.local",
  ),
  SIP_CREDENTIAL_SECRET: z.string().min(16, "must be at least 16 characters"),
  INTERNAL_API_SECRET: z.string().min(16, "must be at least 16 characters"),
  WEB_URL: httpUrl.optional(),
  KAMAILIO_RPC_URL: httpUrl.optional(),
  /** What Kamailio sends as HTTP Basic `kamailio:<secret>` to ask for HA1s and routes. */
  KAMAILIO_API_SECRET: z.string().min(16, "must be at least 16 characters")
    .regex(
      /^[A-Za-z0-9_-]+$/,
      "must be URL-safe (A-Z a-z 0-9 _ -): it goes into Kamailio's httpcon URL",
    )
    .optional(),
  /**
   * The other Kamailio nodes of the domain (WITH_REDIS_USRLOC), comma-separated JSON-RPC URLs:
   * each caches HA1s itself, so a deactivation or a new password must reach every one.
   */
  KAMAILIO_PEER_RPC_URLS: z.string().optional().transform((value, ctx) => {
    const urls = (value ?? "").split(",").map((url) => url.trim()).filter(Boolean);
    for (const url of urls) {
      if (!httpUrl.safeParse(url).success) {
        ctx.addIssue({ code: "custom", message: `${url} is not an http(s) URL` });
      }
    }
    return urls;
  }),
  /**
   * Where the Kamailio nodes keep registrations (their REDIS_USRLOC_URL, WITH_REDIS_USRLOC): the
   * presence resync reads them there, as `ul.dump` has nothing in that mode.
   */
  KAMAILIO_USRLOC_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Kamailio's evapi socket, `host:port`: registrations and expiries arrive there. */
  KAMAILIO_EVAPI: hostAndPort.optional(),
  /** FreeSWITCH's event socket, `host:port`; unset: no media side (no ESL consumer). */
  FREESWITCH_ESL: hostAndPort.optional(),
  FREESWITCH_ESL_PASSWORD: z.string().min(1).max(256).optional(),
  /** Where FreeSWITCH's mod_json_cdr writes one file per leg; reconciled at start and reconnect. */
  FREESWITCH_CDR_DIR: absolutePath.optional(),
  /** Where FreeSWITCH writes recordings and voicemail WAVs (the agent transcodes, then deletes). */
  RECORDINGS_SPOOL_DIR: absolutePath.optional(),
  /** FreeSWITCH's folder of users' voicemail greetings (`<care4w-id>.wav`), kept in step with web. */
  VOICEMAIL_GREETINGS_DIR: absolutePath.optional(),
  /** Also make an MP3 of each recording (Opus in Ogg is always made). */
  RECORDING_MP3: z.enum(["true", "false", "1", "0", "yes", "no"])
    .transform((value) => value === "true" || value === "1" || value === "yes")
    .default(false),
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  /** Events per delivery to web's `/internal/events`. */
  EVENT_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  ...objectStoreEnv,
});

/** Validated agent settings. */
export interface AgentConfig {
  host: string;
  port: number;
  redisUrl: string;
  /** Digest realm; lookups for another realm are answered 404. */
  sipDomain: string;
  sipCredentialSecret: string;
  internalApiSecret: string;
  /** Base URL of web for cache-miss fetches; without it a miss is answered as unknown. */
  webUrl: string | null;
  /** Kamailio JSON-RPC endpoint; without it no cache invalidation is sent. */
  kamailioRpcUrl: string | null;
  /** Kamailio's credential for `/kamailio/*`; null: unchecked. */
  kamailioApiSecret: string | null;
  /** The other nodes' JSON-RPC URLs: cached HA1s are dropped on every node. */
  kamailioPeerRpcUrls: string[];
  kamailioUsrlocRedisUrl: string | null;
  /** Kamailio's evapi socket; without it no presence events are made. */
  kamailioEvapi: { host: string; port: number } | null;
  /** The media side; null without `FREESWITCH_ESL`. */
  freeswitch: {
    esl: { host: string; port: number; password: string };
    /** mod_json_cdr's folder, or null when CDRs come over ESL only. */
    cdrDir: string | null;
  } | null;
  recordings: {
    /** Where FreeSWITCH's WAVs appear; null: the agent handles no recordings. */
    spoolDir: string | null;
    mp3: boolean;
    ffmpegPath: string;
    /** Where FreeSWITCH finds users' greetings; null: callers hear its default. */
    greetingsDir: string | null;
  };
  /** The shared object store recordings go to; null: streamed to web's internal upload. */
  objectStore: ObjectStoreSettings | null;
  events: { batchSize: number };
}

/** Rules across variables: ESL needs its password; an object store group is all or nothing. */
function relatedIssues(env: Record<string, string>): string[] {
  const issues = objectStoreIssues(env);
  if (env.FREESWITCH_ESL && !env.FREESWITCH_ESL_PASSWORD) {
    issues.push("FREESWITCH_ESL_PASSWORD: is required when FREESWITCH_ESL is set");
  }
  if (env.VOICEMAIL_GREETINGS_DIR && !env.WEB_URL) {
    issues.push("VOICEMAIL_GREETINGS_DIR: needs WEB_URL (greetings are fetched from web)");
  }
  for (const name of ["FREESWITCH_CDR_DIR", "FREESWITCH_ESL_PASSWORD"]) {
    if (env[name] && !env.FREESWITCH_ESL) {
      issues.push(`${name}: has no use without FREESWITCH_ESL`);
    }
  }
  return issues;
}

/** `host:port` (already validated) as its parts. */
function hostPort(value: string | undefined): { host: string; port: number } | null {
  const parts = value?.match(/^(.+):(\d+)$/);
  return parts ? { host: parts[1], port: Number(parts[2]) } : null;
}

/**
 * Reads the environment (the process's by default). Empty strings count as unset, so `FOO=` in a
 * shell behaves like no FOO. Throws {@link ConfigError} listing each offending variable and why,
 * e.g. `AGENT_PORT: Too big: ...`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const e = readEnv(envSchema, env, relatedIssues);
  const esl = hostPort(e.FREESWITCH_ESL);
  const evapi = hostPort(e.KAMAILIO_EVAPI);
  return {
    host: e.AGENT_HOST,
    port: e.AGENT_PORT,
    redisUrl: e.REDIS_URL,
    sipDomain: e.SIP_DOMAIN,
    sipCredentialSecret: e.SIP_CREDENTIAL_SECRET,
    internalApiSecret: e.INTERNAL_API_SECRET,
    webUrl: e.WEB_URL ? e.WEB_URL.replace(/\/+$/, "") : null,
    kamailioRpcUrl: e.KAMAILIO_RPC_URL ?? null,
    kamailioApiSecret: e.KAMAILIO_API_SECRET ?? null,
    kamailioPeerRpcUrls: e.KAMAILIO_PEER_RPC_URLS,
    kamailioUsrlocRedisUrl: e.KAMAILIO_USRLOC_REDIS_URL ?? null,
    kamailioEvapi: evapi,
    freeswitch: esl
      ? {
        esl: { ...esl, password: e.FREESWITCH_ESL_PASSWORD! },
        cdrDir: e.FREESWITCH_CDR_DIR ?? null,
      }
      : null,
    recordings: {
      spoolDir: e.RECORDINGS_SPOOL_DIR ?? null,
      mp3: e.RECORDING_MP3,
      ffmpegPath: e.FFMPEG_PATH,
      greetingsDir: e.VOICEMAIL_GREETINGS_DIR ?? null,
    },
    objectStore: objectStoreSettings(e),
    events: { batchSize: e.EVENT_BATCH_SIZE },
  };
}
