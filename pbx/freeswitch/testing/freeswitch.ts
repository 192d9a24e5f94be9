/**
 * A real FreeSWITCH (FREESWITCH_BIN, built by hand outside the repository: it is not packaged for
 * Debian 12) on this configuration: free loopback ports, every folder in a temp dir, started and
 * ended by PID through testing/process.ts.
 */
import { freePort, freePortRange } from "../../../testing/ports.ts";
import { startProcess, type TrackedProcess } from "../../../testing/process.ts";
import { CONF_DIR } from "./config-files.ts";
import { Esl } from "./esl.ts";

export interface FreeSwitch {
  proc: TrackedProcess;
  env: Record<string, string>;
  eslPort: number;
  sipPort: number;
  trunkSipPort: number;
  /** temp/cdr, temp/spool, temp/greetings, ... */
  dirs: Record<"root" | "cdr" | "spool" | "greetings" | "log", string>;
  stop(): Promise<void>;
}

/** Starts `bin` on pbx/freeswitch; `env` adds to (or, as "", empties) the test's variables. */
export async function startFreeSwitch(
  bin: string,
  env: Record<string, string> = {},
): Promise<FreeSwitch> {
  const root = await Deno.makeTempDir({ prefix: "careflow-freeswitch-" });
  const dir = (name: string) => {
    Deno.mkdirSync(`${root}/${name}`, { recursive: true });
    return `${root}/${name}`;
  };
  const dirs = {
    root,
    cdr: dir("cdr"),
    spool: dir("spool"),
    greetings: dir("greetings"),
    log: dir("log"),
  };
  const [eslPort, sipPort, trunkSipPort, kamailioPort, trunkPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const rtp = await freePortRange(20);
  const fullEnv: Record<string, string> = {
    FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
    FREESWITCH_ESL_PASSWORD: `esl-${crypto.randomUUID()}`,
    SIP_DOMAIN: "careflow.test",
    FREESWITCH_SIP_PORT: String(sipPort),
    FREESWITCH_RTP_PORT_MIN: String(rtp),
    FREESWITCH_RTP_PORT_MAX: String(rtp + 19),
    // Nothing listens there: these tests do not reach Kamailio or a trunk.
    KAMAILIO_SIP: `127.0.0.1:${kamailioPort}`,
    FREESWITCH_TRUNK: `127.0.0.1:${trunkPort}`,
    FREESWITCH_TRUNK_SIP_PORT: String(trunkSipPort),
    ORG_CALLER_NUMBER: "+15550100000",
    FREESWITCH_CDR_DIR: dirs.cdr,
    RECORDINGS_SPOOL_DIR: dirs.spool,
    VOICEMAIL_GREETINGS_DIR: dirs.greetings,
    FREESWITCH_LOG_LEVEL: "debug",
    ...env,
  };
  const mod = Deno.env.get("FREESWITCH_MOD_DIR");
  // -nf: stays our child, ended by PID. No -nc: it would also silence mod_console, whose log on
  // stdout is what a failing test prints (the console reader idles on stdin, /dev/null here).
  const args = ["-nonat", "-nf", "-conf", CONF_DIR, "-log", dirs.log, "-db", dir("db")];
  args.push("-run", dir("run"), "-temp", dir("tmp"), "-storage", dir("storage"));
  args.push("-cache", dir("cache"), "-recordings", dir("recordings"));
  if (mod) args.push("-mod", mod);
  const proc = startProcess("freeswitch", bin, args, { env: fullEnv });
  return {
    proc,
    env: fullEnv,
    eslPort,
    sipPort,
    trunkSipPort,
    dirs,
    async stop() {
      await proc.stop(10_000);
      if (!Deno.env.get("CAREFLOW_KEEP_LOGS")) await Deno.remove(root, { recursive: true });
    },
  };
}

/**
 * Starts `bin` as `startFreeSwitch` does and resolves once its event socket takes the password
 * (stopped again if it never does).
 */
export async function startFreeSwitchReady(
  bin: string,
  env: Record<string, string> = {},
): Promise<FreeSwitch> {
  const fs = await startFreeSwitch(bin, env);
  try {
    await fs.proc.waitFor("ESL to accept the password", async () => {
      const esl = await Esl.connect(fs.eslPort);
      const ok = await esl.auth(fs.env.FREESWITCH_ESL_PASSWORD);
      esl.close();
      return ok;
    }, 60_000);
  } catch (error) {
    await fs.stop();
    throw error;
  }
  return fs;
}

/** The agent's variables that put it on `fs`'s event socket and CDR folder. */
export function agentEnvFor(fs: FreeSwitch): Record<string, string> {
  return {
    FREESWITCH_ESL: fs.env.FREESWITCH_ESL,
    FREESWITCH_ESL_PASSWORD: fs.env.FREESWITCH_ESL_PASSWORD,
    FREESWITCH_CDR_DIR: fs.dirs.cdr,
  };
}

/** A mono 16-bit 8 kHz WAV of `seconds` of a `hz` tone (a user's greeting). */
export function toneWav(seconds: number, hz: number): Uint8Array {
  const rate = 8000;
  const samples = Math.round(seconds * rate);
  const wav = new DataView(new ArrayBuffer(44 + samples * 2));
  const ascii = (at: number, text: string) =>
    [...text].forEach((c, i) => wav.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  wav.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVEfmt ");
  wav.setUint32(16, 16, true);
  wav.setUint16(20, 1, true);
  wav.setUint16(22, 1, true);
  wav.setUint32(24, rate, true);
  wav.setUint32(28, rate * 2, true);
  wav.setUint16(32, 2, true);
  wav.setUint16(34, 16, true);
  ascii(36, "data");
  wav.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    wav.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), true);
  }
  return new Uint8Array(wav.buffer);
}
