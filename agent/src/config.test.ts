import { expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config.ts";

const secrets = {
  SIP_CREDENTIAL_SECRET: "s".repeat(16),
  INTERNAL_API_SECRET: "i".repeat(16),
};

/** The ConfigError `loadConfig(env)` throws (fails the test when it does not throw one). */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(", ")}`);
}

test("defaults fill everything but the secrets", () => {
  expect(loadConfig(secrets)).toEqual({
    host: "127.0.0.1",
    port: 7070,
    redisUrl: "redis://127.0.0.1:6379",
    sipDomain: "careflow.local",
    sipCredentialSecret: secrets.SIP_CREDENTIAL_SECRET,
    internalApiSecret: secrets.INTERNAL_API_SECRET,
    webUrl: null,
    kamailioRpcUrl: null,
    kamailioPeerRpcUrls: [],
    kamailioUsrlocRedisUrl: null,
    kamailioApiSecret: null,
    kamailioEvapi: null,
    freeswitch: null,
    recordings: { spoolDir: null, mp3: false, ffmpegPath: "ffmpeg", greetingsDir: null },
    objectStore: null,
    events: { batchSize: 100 },
  });
});

test("the media side: ESL needs its password, an object store all of its group", () => {
  const config = loadConfig({
    ...secrets,
    FREESWITCH_ESL: "127.0.0.1:8021",
    FREESWITCH_ESL_PASSWORD: "esl-secret",
    FREESWITCH_CDR_DIR: "/var/spool/careflow/cdr",
    RECORDINGS_SPOOL_DIR: "/var/spool/careflow/recordings",
    S3_ENDPOINT: "http://127.0.0.1:4569",
    S3_REGION: "us-east-1",
    S3_BUCKET: "careflow",
    S3_ACCESS_KEY_ID: "key-id",
    S3_SECRET_ACCESS_KEY: "key-secret",
    S3_FORCE_PATH_STYLE: "true",
    KAMAILIO_EVAPI: "127.0.0.1:8448",
  });
  expect(config.kamailioEvapi).toEqual({ host: "127.0.0.1", port: 8448 });
  expect(config.freeswitch).toEqual({
    esl: { host: "127.0.0.1", port: 8021, password: "esl-secret" },
    cdrDir: "/var/spool/careflow/cdr",
  });
  expect(config.objectStore?.bucket).toBe("careflow");
  expect(config.objectStore?.forcePathStyle).toBe(true);

  const error = configErrorOf({
    ...secrets,
    FREESWITCH_ESL: "127.0.0.1:8021",
    S3_BUCKET: "careflow",
    FREESWITCH_CDR_DIR: "relative/dir",
    KAMAILIO_EVAPI: "127.0.0.1:70000",
    VOICEMAIL_GREETINGS_DIR: "/var/lib/freeswitch/greetings",
  });
  expect(error.issues).toContain(
    "VOICEMAIL_GREETINGS_DIR: needs WEB_URL (greetings are fetched from web)",
  );
  expect(error.issues).toContain("KAMAILIO_EVAPI: port must be 1-65535");
  expect(error.issues).toContain("FREESWITCH_ESL_PASSWORD: is required when FREESWITCH_ESL is set");
  expect(error.issues).toContain("S3_ENDPOINT: is required when S3_* storage is configured");
  expect(error.issues.some((issue) => issue.startsWith("FREESWITCH_CDR_DIR: must be an absolute")))
    .toBe(true);
  expect(error.message).not.toContain("careflow");
});

test("explicit values are read; empty strings count as unset", () => {
  const config = loadConfig({
    ...secrets,
    AGENT_PORT: "7071",
    AGENT_HOST: "",
    WEB_URL: "http://127.0.0.1:8000/",
    KAMAILIO_RPC_URL: "http://127.0.0.1:5071/RPC",
    SIP_DOMAIN: "sip.example.org",
  });
  expect(config.port).toBe(7071);
  expect(config.host).toBe("127.0.0.1");
  expect(config.webUrl).toBe("http://127.0.0.1:8000");
  expect(config.kamailioRpcUrl).toBe("http://127.0.0.1:5071/RPC");
  expect(config.sipDomain).toBe("sip.example.org");
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
    const error = configErrorOf(env);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toStartWith(expected);
    expect(error.message).toBe(`invalid configuration: ${error.issues[0]}`);
    expect(error.message).not.toContain("short-secret");
  }
});

test("every bad variable is reported at once, one per line", () => {
  const error = configErrorOf({
    SIP_CREDENTIAL_SECRET: "short-secret",
    AGENT_PORT: "70000",
    WEB_URL: "not a url",
  });
  expect(error.issues.map((issue) => issue.split(":")[0])).toEqual([
    "AGENT_PORT",
    "SIP_CREDENTIAL_SECRET",
    "INTERNAL_API_SECRET",
    "WEB_URL",
  ]);
  expect(error.issues).toContain("INTERNAL_API_SECRET: is required");
  const lines = error.message.split("\n");
  expect(lines[0]).toBe("invalid configuration:");
  expect(lines.slice(1)).toEqual(error.issues.map((issue) => `  - ${issue}`));
  expect(error.message).not.toContain("short-secret");
  expect(error.message).not.toContain("not a url");
});

test("other Kamailio nodes are http URLs, comma-separated", () => {
  expect(
    loadConfig({
      ...secrets,
      KAMAILIO_PEER_RPC_URLS: "http://10.0.0.2:5071/RPC, http://10.0.0.3:5071/RPC",
    }).kamailioPeerRpcUrls,
  )
    .toEqual(["http://10.0.0.2:5071/RPC", "http://10.0.0.3:5071/RPC"]);
  expect(configErrorOf({ ...secrets, KAMAILIO_PEER_RPC_URLS: "ftp://x" }).message).toContain(
    "KAMAILIO_PEER_RPC_URLS",
  );
});
