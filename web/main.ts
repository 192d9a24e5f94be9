import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { manifestSource } from "./build/manifest.ts";
import { openStore } from "./store/mod.ts";
import { argon2Hasher } from "./auth/passwords.ts";
import { createFirebaseVerifier } from "./auth/firebase.ts";
import { composeWeb, openHub } from "./compose.ts";

/** Starts CareFlow's web app from the environment. A bad configuration exits with a message. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  // Several web instances share calls through Redis; one instance needs nothing but itself.
  const hub = await openHub(config);
  const web = composeWeb({
    config,
    store,
    logger,
    hub,
    manifest: manifestSource({ watch: Deno.env.get("CAREFLOW_DEV") === "1" }),
    passwords: argon2Hasher(),
    firebase: config.firebase
      ? createFirebaseVerifier(config.firebase.projectId, config.firebase.jwksUrl)
      : undefined,
  });
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen: ({ hostname, port }) => {
      const shown = hostname === "127.0.0.1" ? "localhost" : hostname;
      logger.info("listening", {
        url: `http://${shown}:${port}`,
        store: config.mongodbUri ? "mongodb" : "sqlite",
        dataDir: config.dataDir,
        mode: config.callMode,
        hub: config.redisUrl ? "redis" : "memory",
      });
    },
  }, web.app.fetch);
  const shutdown = async () => {
    await web.close();
    await server.shutdown();
    await hub.close();
    await store.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}

if (import.meta.main) await main();
