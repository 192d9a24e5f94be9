import { openWeb, type Overrides } from "../compose.ts";
import { loadConfig } from "../config.ts";
import { argon2Hasher } from "../auth/passwords.ts";
import { serveWeb } from "../http/serve.ts";

export interface RunningServer {
  url: string;
  /** Where its data (SQLite, recordings) lives, for tests that look at the disk. */
  dataDir: string;
  /** Stops web as a deploy does and starts it again on the same port and data. */
  restart(): Promise<void>;
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
  const open = async (port: number) => {
    const web = await openWeb({ ...config, port }, {
      passwords: argon2Hasher({ memoryCost: 4096 }),
      ...overrides,
    });
    const server = await serveWeb(web.app, { hostname: "127.0.0.1", port });
    return { web, server, stop: () => web.close(() => server.shutdown()) };
  };
  let running = await open(config.port).catch(async (error) => {
    await Deno.remove(dataDir, { recursive: true });
    throw error;
  });
  const port = running.server.port;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async restart() {
      await running.stop();
      running = await open(port);
    },
    async close() {
      await running.stop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
