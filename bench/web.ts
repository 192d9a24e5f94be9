/**
 * The real web app as the benchmarks run it, in their own process: the configuration given, the
 * agent a stand-in (its provisioning pushes are not what is measured), no sweeper, no islands,
 * cheap argon2 so signing bench users up is quick.
 */
import { argon2Hasher } from "../web/auth/passwords.ts";
import { openWeb } from "../web/compose.ts";
import type { Config } from "../web/config.ts";
import { createRecordingAgent } from "../web/testing/recording-agent.ts";

/** Opens web over `config` for a benchmark; the caller serves `app.fetch` and closes it. */
export function openBenchWeb(config: Config) {
  return openWeb(config, {
    agent: createRecordingAgent(),
    sweep: false,
    manifest: () => ({ boot: "", styles: "", islands: {} }),
    passwords: argon2Hasher({ memoryCost: 1024 }),
  });
}
