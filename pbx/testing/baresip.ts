/**
 * baresip 1.0 as a test SIP phone: no sound card (aufile plays a WAV, aubridge swallows what is
 * heard), sndfile records both directions, auto answer on the callee. Started and ended by PID
 * (testing/process.ts); its SIP, RTP and control ports come from the allocator.
 */
import { findProgram } from "../../testing/daemons.ts";
import { freePort, freePortRange } from "../../testing/ports.ts";
import { startProcess } from "../../testing/process.ts";

/** RTP ports each phone gets (two per call, a few calls). */
const RTP_PORTS = 20;

/** One baresip instance. */
export interface Baresip {
  pid: number;
  dir: string;
  logFile: string;
  /** Its SIP port (a free one; baresip binds TCP/TLS on the next one too, also free). */
  sipPort: number;
  /** Its RTP port range, `first-last`. */
  rtpPorts: string;
  /** Resolves with the exit code when the process has ended. */
  exited: Promise<number | null>;
  /** What it has logged so far. */
  log(): Promise<string>;
  /** Ends it by PID (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** The WAV of what this phone heard (sndfile `*-dec.wav`), or null. */
  heardWav(): Promise<string | null>;
  /**
   * Runs a long command through ctrl_tcp (needs `control: true`), e.g. `accept`, `hangup` or
   * `dial` with the URI as `params`; resolves with the command's output, throws if it failed.
   */
  command(name: string, params?: string): Promise<string>;
}

/** How to start a phone. */
export interface BaresipOptions {
  /** Working directory (config, recordings, log). */
  dir: string;
  /** SIP user part (the CareFlow ID) and domain. */
  user: string;
  domain: string;
  /** Digest username and password. */
  authUser: string;
  password: string;
  /** Kamailio address, e.g. `127.0.0.1:5060`. */
  proxy: string;
  /** WAV to play into the call. */
  toneWav: string;
  autoAnswer?: boolean;
  /**
   * Ring with early media (baresip `answermode=early`: 183 Session Progress with SDP, audio
   * before the answer) instead of a plain 180; the `accept` command answers.
   */
  earlyMedia?: boolean;
  /** Quit after this many seconds (baresip `-t`). */
  quitAfter?: number;
  /** Commands run at start (baresip `-e`), e.g. `/dial sip:...`. */
  commands?: string[];
  /** Load the ctrl_tcp module (on a free loopback port), to drive the phone with `command()`. */
  control?: boolean;
  /** Log every SIP message sent and received (baresip `-s`), to read what the phone was told. */
  sipTrace?: boolean;
}

/** baresip's config: no sound card, what was heard recorded into `dir`. */
function config(o: BaresipOptions, sipPort: number, rtpPorts: string, controlPort?: number) {
  return [
    "poll_method\t\tepoll",
    `sip_listen\t\t127.0.0.1:${sipPort}`,
    "net_interface\t\t127.0.0.1",
    `audio_source\t\taufile,${o.toneWav}`,
    "audio_player\t\taubridge,nil",
    "audio_alert\t\taubridge,nil",
    "ausrc_srate\t\t8000",
    "auplay_srate\t\t8000",
    "audio_channels\t\t1",
    `rtp_ports\t\t${rtpPorts}`,
    "rtp_timeout\t\t0",
    "module_path\t\t/usr/lib/baresip/modules",
    "module\t\t\tg711.so",
    "module\t\t\taufile.so",
    "module\t\t\taubridge.so",
    "module\t\t\tsndfile.so",
    "module_app\t\taccount.so",
    "module_app\t\tcontact.so",
    "module_app\t\tmenu.so",
    ...(controlPort
      ? ["module_app\t\tctrl_tcp.so", `ctrl_tcp_listen\t\t127.0.0.1:${controlPort}`]
      : []),
    `snd_path\t\t${o.dir}`,
    "",
  ].join("\n");
}

/** The phone's one account line. */
function account(o: BaresipOptions): string {
  return `<sip:${o.user}@${o.domain}>;auth_user=${o.authUser};auth_pass=${o.password}` +
    `;outbound="sip:${o.proxy};transport=udp";regint=600;audio_codecs=PCMU` +
    (o.autoAnswer ? ";answermode=auto" : o.earlyMedia ? ";answermode=early" : "");
}

/** Starts baresip with a fresh config in `dir`. */
export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  await Deno.mkdir(o.dir, { recursive: true });
  // baresip binds TCP/TLS on the SIP port + 1 as well.
  const sipPort = await freePortRange(2);
  const rtpFirst = await freePortRange(RTP_PORTS);
  const rtpPorts = `${rtpFirst}-${rtpFirst + RTP_PORTS - 1}`;
  const controlPort = o.control ? await freePort() : undefined;
  await Deno.writeTextFile(`${o.dir}/config`, config(o, sipPort, rtpPorts, controlPort));
  await Deno.writeTextFile(`${o.dir}/accounts`, account(o) + "\n");
  await Deno.writeTextFile(`${o.dir}/contacts`, "");

  const args = ["-f", o.dir];
  if (o.quitAfter) args.push("-t", String(o.quitAfter));
  if (o.sipTrace) args.push("-s");
  for (const c of o.commands ?? []) args.push("-e", c);
  const logFile = `${o.dir}/baresip.log`;
  await Deno.remove(logFile).catch(() => {});
  const proc = startProcess("baresip", findProgram("baresip"), args, { logFile });
  const stop = () => proc.stop();
  return {
    pid: proc.pid,
    dir: o.dir,
    logFile,
    sipPort,
    rtpPorts,
    exited: proc.exit,
    log: () => Deno.readTextFile(logFile),
    stop,
    [Symbol.asyncDispose]: stop,
    async heardWav() {
      for await (const entry of Deno.readDir(o.dir)) {
        if (entry.name.startsWith("dump-") && entry.name.endsWith("-dec.wav")) {
          return `${o.dir}/${entry.name}`;
        }
      }
      return null;
    },
    async command(name, params = "") {
      if (!controlPort) throw new Error("baresip was started without control: true");
      return await controlCommand(controlPort, name, params);
    },
  };
}

/** How long a ctrl_tcp command may take (the phone is running: no start-up in it). */
const CONTROL_TIMEOUT_MS = 10_000;

/** One ctrl_tcp exchange: a netstring-framed JSON command, then its response (events skipped). */
async function controlCommand(port: number, command: string, params: string): Promise<string> {
  const token = crypto.randomUUID();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, CONTROL_TIMEOUT_MS);
  try {
    const json = JSON.stringify({ command, params, token });
    await conn.write(new TextEncoder().encode(`${new TextEncoder().encode(json).length}:${json},`));
    let buffer = "";
    const chunk = new Uint8Array(4096);
    const decoder = new TextDecoder();
    while (true) {
      const n = await conn.read(chunk).catch((error) => {
        throw timedOut
          ? new Error(`baresip ctrl_tcp: no answer to ${command} in ${CONTROL_TIMEOUT_MS} ms`)
          : error;
      });
      if (n === null) throw new Error(`baresip ctrl_tcp closed before answering ${command}`);
      buffer += decoder.decode(chunk.subarray(0, n), { stream: true });
      // Netstrings: "<length>:<payload>,". Payloads are ASCII JSON here, so length = characters.
      let colon;
      while ((colon = buffer.indexOf(":")) > 0) {
        const length = Number(buffer.slice(0, colon));
        if (buffer.length < colon + 1 + length + 1) break;
        const message = JSON.parse(buffer.slice(colon + 1, colon + 1 + length));
        buffer = buffer.slice(colon + 1 + length + 1);
        if (message.response && message.token === token) {
          if (!message.ok) throw new Error(`baresip ${command} failed: ${message.data}`);
          return String(message.data ?? "");
        }
      }
    }
  } finally {
    clearTimeout(timer);
    if (!timedOut) conn.close();
  }
}
