import { expect, test } from "bun:test";
import { loadConfig } from "./config.ts";

const secrets = {
  SIP_CREDENTIAL_SECRET: "s".repeat(16),
  INTERNAL_API_SECRET: "i".repeat(16),
};

test("defaults fill everything but the secrets", () => {
  const result = loadConfig(secrets);
  expect(result).toEqual({
    ok: true,
    config: {
      host: "127.0.0.1",
      port: 7070,
      redisUrl: "redis://127.0.0.1:6379",
      sipDomain: "careflow.local",
      sipCredentialSecret: secrets.SIP_CREDENTIAL_SECRET,
      internalApiSecret: secrets.INTERNAL_API_SECRET,
      webUrl: null,
      kamailioRpcUrl: null,
    },
  });
});

test("explicit values are read; empty strings count as unset", () => {
  const result = loadConfig({
    ...secrets,
    AGENT_PORT: "7071",
    AGENT_HOST: "",
    WEB_URL: "http://127.0.0.1:8000/",
    KAMAILIO_RPC_URL: "http://127.0.0.1:5071/RPC",
    SIP_DOMAIN: "sip.example.org",
  });
  if (!result.ok) throw new Error(result.error);
  expect(result.config.port).toBe(7071);
  expect(result.config.host).toBe("127.0.0.1");
  expect(result.config.webUrl).toBe("http://127.0.0.1:8000");
  expect(result.config.kamailioRpcUrl).toBe("http://127.0.0.1:5071/RPC");
  expect(result.config.sipDomain).toBe("sip.example.org");
});

test("each bad value is named, and secrets are never echoed", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ INTERNAL_API_SECRET: secrets.INTERNAL_API_SECRET }, "SIP_CREDENTIAL_SECRET: is required"],
    [{ ...secrets, INTERNAL_API_SECRET: "short-secret" }, "INTERNAL_API_SECRET: must be at least"],
    [{ ...secrets, AGENT_PORT: "70000" }, "AGENT_PORT:"],
    [{ ...secrets, AGENT_PORT: "http" }, "AGENT_PORT:"],
    [{ ...secrets, REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL:"],
    [{ ...secrets, WEB_URL: "not a url" }, "WEB_URL:"],
    [{ ...secrets, KAMAILIO_RPC_URL: "ftp://x" }, "KAMAILIO_RPC_URL:"],
    [{ ...secrets, SIP_DOMAIN: "bad domain" }, "SIP_DOMAIN:"],
  ];
  for (const [env, expected] of cases) {
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toStartWith(expected);
      expect(result.error).not.toContain("short-secret");
    }
  }
});
