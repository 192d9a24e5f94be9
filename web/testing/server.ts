import { openWeb, type Overrides } from "../compose.ts";
import { loadConfig } from "../config.ts";
import { argon2Hasher } from "../auth/passwords.ts";

export interface RunningServer {
  url: string;
  /** Where its data (SQLite, recordings) lives, for tests that look at the disk. */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real app on a real loopback port with its real island build and a fresh SQLite file,
 * for browser tests. `env` is configuration exactly as environment variables.
 */
export async function startServer(
  env: Record<string, string> = {},
  overrides: Pick<Overrides, "twilioMedia"> = {},
): Promise<RunningServer> {
  const dataDir = await Deno.makeTempDir({ prefix: "careflow-test-" });
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: Deno.env.get("CF_TEST_LOG") ?? "warn",
    RECORDINGS_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
    SIGNUPS_PER_HOUR: "1000000",
    LOOKUPS_PER_MINUTE: "1000000",
    // Browser tests sign up through the page; invitation-only sign-up's tests ask for it.
    SIGNUP: "open",
    ...env,
  });
  const web = await openWeb(config, { passwords: argon2Hasher({ memoryCost: 4096 }), ...overrides })
    .catch(async (error) => {
      await Deno.remove(dataDir, { recursive: true });
      throw error;
    });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: config.port, onListen: () => {} },
    web.app.fetch,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    dataDir,
    async close() {
      await web.close(() => server.shutdown());
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
