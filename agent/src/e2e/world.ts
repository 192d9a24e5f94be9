/**
 * Everything a call through the media side touches, each a real process or server on loopback:
 * Redis with AOF, web (SQLite), the agent, and a FreeSWITCH event socket replaying the real
 * captures (made to name two people who signed up on web). Each part can be killed and brought
 * back; `stop()` ends all of it and removes the folders.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRedis } from "../../../testing/redis.ts";
import { type AgentProcess, startAgentProcess } from "../testing/agent-process.ts";
import { type EslReplay, type ReplaySession, startEslReplay } from "../testing/esl-replay.ts";
import {
  type KillableWeb,
  startKillableWeb,
  TEST_INTERNAL_SECRET,
  type WebPerson,
} from "../testing/web.ts";
import { BRIDGE, type CallCast, castCapture, fillSpool, VOICEMAIL } from "./captures.ts";

/** The running world of one test. */
export interface MediaWorld {
  web: KillableWeb;
  agent: AgentProcess;
  esl: EslReplay;
  redis: { kill(): Promise<void>; restart(): Promise<void> };
  /** Alice calls Bob (recorded for Alice); an outside phone leaves Bob a voicemail. */
  alice: WebPerson;
  bob: WebPerson;
  cast: CallCast;
  cdrDir: string;
  /** The two calls' captures, as the replay server plays them. */
  bridge: Uint8Array;
  voicemail: Uint8Array;
  stop(): Promise<void>;
}

/** How the replay server plays the calls: one session per connection, in order. */
export type SessionPlan = (calls: { bridge: Uint8Array; voicemail: Uint8Array }) => ReplaySession[];

/** Starts Redis, web and the replay server, signs the two people up, then starts the agent. */
export async function startMediaWorld(plan: SessionPlan): Promise<MediaWorld> {
  const root = mkdtempSync(`${tmpdir()}/careflow-e2e-`);
  mkdirSync(`${root}/redis`);
  const cleanups: Array<() => Promise<void>> = [
    () => Promise.resolve(rmSync(root, { recursive: true })),
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    let redis = await startRedis({ dir: `${root}/redis`, appendOnly: true, appendFsync: "always" });
    const redisPort = redis.port;
    cleanups.push(() => redis.stop());
    const web = await startKillableWeb();
    cleanups.push(() => web.stop());
    const alice = await web.signup("Alice");
    const bob = await web.signup("Bob");
    const cast = { caller: alice.care4wId, callee: bob.care4wId, spoolDir: `${root}/spool` };
    fillSpool(cast.spoolDir);
    const bridge = castCapture(BRIDGE.capture, cast);
    const voicemail = castCapture(VOICEMAIL.capture, cast);
    const esl = await startEslReplay({ sessions: plan({ bridge, voicemail }) });
    cleanups.push(() => esl.close());
    const cdrDir = `${root}/cdr`;
    const agent = await startAgentProcess({
      REDIS_URL: redis.url,
      SIP_CREDENTIAL_SECRET: "test-credential-secret-0123",
      INTERNAL_API_SECRET: TEST_INTERNAL_SECRET,
      WEB_URL: web.url,
      FREESWITCH_ESL: `${esl.host}:${esl.port}`,
      FREESWITCH_ESL_PASSWORD: "ClueCon",
      FREESWITCH_CDR_DIR: cdrDir,
      RECORDINGS_SPOOL_DIR: cast.spoolDir,
    });
    cleanups.push(() => agent.stop());
    return {
      web,
      agent,
      esl,
      redis: {
        async kill() {
          if (!redis.process.exited) process.kill(redis.process.pid, "SIGKILL");
          await redis.process.exit;
        },
        async restart() {
          redis = await startRedis({
            dir: `${root}/redis`,
            port: redisPort,
            appendOnly: true,
            appendFsync: "always",
          });
        },
      },
      alice,
      bob,
      cast,
      cdrDir,
      bridge,
      voicemail,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
