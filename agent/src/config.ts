/**
 * Agent configuration from the environment, validated once at start-up. A bad value yields one
 * message naming the variable (never its value, which may be a secret).
 */
import { z } from "zod";

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

/** Result of reading the environment. */
export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; error: string };

/**
 * Reads the environment. Empty strings count as unset, so `FOO=` in a shell behaves like no FOO.
 * The error names the first offending variable and why, e.g. `AGENT_PORT: Too big: ...`.
 */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? "environment");
    const why = issue.code === "invalid_type" && input[name] === undefined
      ? "is required"
      : issue.message;
    return { ok: false, error: `${name}: ${why}` };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      host: e.AGENT_HOST,
      port: e.AGENT_PORT,
      redisUrl: e.REDIS_URL,
      sipDomain: e.SIP_DOMAIN,
      sipCredentialSecret: e.SIP_CREDENTIAL_SECRET,
      internalApiSecret: e.INTERNAL_API_SECRET,
      webUrl: e.WEB_URL ? e.WEB_URL.replace(/\/+$/, "") : null,
      kamailioRpcUrl: e.KAMAILIO_RPC_URL ?? null,
    },
  };
}
