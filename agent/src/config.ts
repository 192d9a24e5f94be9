/**
 * Agent configuration from the environment, validated once at start-up. Every bad variable is
 * reported at once, each by name and why, never by value (it may be a secret). The only module
 * that reads `process.env`.
 */
import { z } from "zod";
import { readEnv } from "../../shared/config.ts";

export { ConfigError } from "../../shared/config.ts";

const httpUrl = z.url({ protocol: /^https?$/ });

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
}

/**
 * Reads the environment (the process's by default). Empty strings count as unset, so `FOO=` in a
 * shell behaves like no FOO. Throws {@link ConfigError} listing each offending variable and why,
 * e.g. `AGENT_PORT: Too big: ...`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const e = readEnv(envSchema, env);
  return {
    host: e.AGENT_HOST,
    port: e.AGENT_PORT,
    redisUrl: e.REDIS_URL,
    sipDomain: e.SIP_DOMAIN,
    sipCredentialSecret: e.SIP_CREDENTIAL_SECRET,
    internalApiSecret: e.INTERNAL_API_SECRET,
    webUrl: e.WEB_URL ? e.WEB_URL.replace(/\/+$/, "") : null,
    kamailioRpcUrl: e.KAMAILIO_RPC_URL ?? null,
  };
}
