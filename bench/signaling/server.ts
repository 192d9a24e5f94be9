/**
 * The servers the benchmark drives: real CareFlow web instances (`createApp`, session auth, the
 * `/api/signal` route, the call service writing records to a real SQLite store), one per hub,
 * all sharing one store as instances behind a load balancer share one database. Only the
 * per-user attempt limit is lifted: a benchmark dials far faster than a person.
 */
import { composeWeb } from "../../web/compose.ts";
import { loadConfig } from "../../web/config.ts";
import { createLogger } from "../../web/log.ts";
import { argon2Hasher } from "../../web/auth/passwords.ts";
import { openSqliteStore } from "../../web/store/sqlite/mod.ts";
import { createLocalStorage } from "../../web/recordings/storage/local.ts";
import type { Hub } from "../../web/signal/hub.ts";
import { signUpBenchUsers } from "../users.ts";
import { serveWeb } from "../../web/http/serve.ts";

/** Running instances, and one session cookie per bench user. */
export interface BenchCluster {
  /** WebSocket URL of each instance's `/api/signal`. */
  urls: string[];
  cookies: string[];
  close(): Promise<void>;
}

/** Starts one instance per hub on 127.0.0.1 and signs up `users` users through the API. */
export async function startBenchCluster(hubs: Hub[], users: number): Promise<BenchCluster> {
  const dir = await Deno.makeTempDir({ prefix: "careflow-bench-" });
  const store = openSqliteStore(`${dir}/bench.sqlite`);
  const config = loadConfig({
    SIGNUP: "open",
    DATA_DIR: dir,
    LOG_LEVEL: "error",
    CALL_ATTEMPTS_PER_MINUTE: "10000",
    // Many bench users sign up from one address, and ring each other all the time.
    SIGNUPS_PER_HOUR: "1000000",
    RINGS_PER_CALLEE_PER_MINUTE: "10000",
    MAX_CONCURRENT_CALLS: "100000",
    // Every bench tab connects from 127.0.0.1.
    SOCKETS_PER_SOURCE: "100000",
  });
  const logger = createLogger(config.logLevel);
  const storage = createLocalStorage({
    dir: `${dir}/recordings`,
    key: crypto.getRandomValues(new Uint8Array(32)),
  });
  const instances = await Promise.all(hubs.map(async (hub) => {
    const web = composeWeb(config, { store, hub, storage }, {
      logger,
      manifest: () => ({ boot: "", styles: "", islands: {} }),
      sweep: false,
      passwords: argon2Hasher({ memoryCost: 1024 }),
    });
    const server = await serveWeb(web.app, { hostname: "127.0.0.1", port: 0 });
    return { app: web.app, web, server };
  }));
  const cookies = (await signUpBenchUsers(instances[0].app, users)).map((user) => user.cookie);
  return {
    urls: instances.map(({ server }) => `ws://127.0.0.1:${server.port}/api/signal`),
    cookies,
    async close() {
      for (const { web, server } of instances) {
        await web.close();
        await server.shutdown();
      }
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
