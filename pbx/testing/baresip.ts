/**
 * baresip 1.0 as a test SIP phone: no sound card (aufile plays a WAV, aubridge swallows what is
 * heard), sndfile records both directions, auto answer on the callee. Started and ended by PID.
 */

/** One baresip instance. */
export interface Baresip {
  pid: number;
  dir: string;
  logFile: string;
  /** Resolves when the process has ended. */
  exited: Promise<Deno.CommandStatus>;
  /** Ends it by PID (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
  /** The WAV of what this phone heard (sndfile `*-dec.wav`), or null. */
  heardWav(): Promise<string | null>;
  /**
   * Runs a long command through ctrl_tcp (needs `controlPort`), e.g. `accept`, `hangup` or
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
  /** Kamailio address, e.g. `127.0.0.1:15066`. */
  proxy: string;
  /** Local SIP port; baresip also binds TCP on port + 1. */
  sipPort: number;
  /** RTP port range, e.g. `16000-16049`. */
  rtpPorts: string;
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
  /** Loopback TCP port for the ctrl_tcp module, to drive the phone with `command()`. */
  controlPort?: number;
}

/** Starts baresip with a fresh config in `dir`. */
export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  await Deno.mkdir(o.dir, { recursive: true });
  const config = [
    "poll_method\t\tepoll",
    `sip_listen\t\t127.0.0.1:${o.sipPort}`,
    "net_interface\t\t127.0.0.1",
    `audio_source\t\taufile,${o.toneWav}`,
    "audio_player\t\taubridge,nil",
    "audio_alert\t\taubridge,nil",
    "ausrc_srate\t\t8000",
    "auplay_srate\t\t8000",
    "audio_channels\t\t1",
    `rtp_ports\t\t${o.rtpPorts}`,
    "rtp_timeout\t\t0",
    "module_path\t\t/usr/lib/baresip/modules",
    "module\t\t\tg711.so",
    "module\t\t\taufile.so",
    "module\t\t\taubridge.so",
    "module\t\t\tsndfile.so",
    "module_app\t\taccount.so",
    "module_app\t\tcontact.so",
    "module_app\t\tmenu.so",
    ...(o.controlPort
      ? ["module_app\t\tctrl_tcp.so", `ctrl_tcp_listen\t\t127.0.0.1:${o.controlPort}`]
      : []),
    `snd_path\t\t${o.dir}`,
    "",
  ].join("\n");
  const account = `<sip:${o.user}@${o.domain}>;auth_user=${o.authUser};auth_pass=${o.password}` +
    `;outbound="sip:${o.proxy};transport=udp";regint=600;audio_codecs=PCMU` +
    (o.autoAnswer ? ";answermode=auto" : o.earlyMedia ? ";answermode=early" : "");
  await Deno.writeTextFile(`${o.dir}/config`, config);
  await Deno.writeTextFile(`${o.dir}/accounts`, account + "\n");
  await Deno.writeTextFile(`${o.dir}/contacts`, "");

  const args = ["-f", o.dir];
  if (o.quitAfter) args.push("-t", String(o.quitAfter));
  for (const c of o.commands ?? []) args.push("-e", c);
  const logFile = `${o.dir}/baresip.log`;
  const child = new Deno.Command("baresip", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const file = await Deno.open(logFile, { write: true, create: true, truncate: true });
  const drains = [child.stdout, child.stderr].map(async (s) => {
    for await (const chunk of s) await file.write(chunk);
  });
  const exited = child.status.then(async (s) => {
    await Promise.all(drains).catch(() => {});
    file.close();
    return s;
  });
  let done = false;
  exited.finally(() => done = true);

  return {
    pid: child.pid,
    dir: o.dir,
    logFile,
    exited,
    async stop() {
      if (done) return void await exited;
      try {
        Deno.kill(child.pid, "SIGTERM");
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          Deno.kill(child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }, 3000);
      await exited;
      clearTimeout(timer);
    },
    async heardWav() {
      for await (const entry of Deno.readDir(o.dir)) {
        if (entry.name.startsWith("dump-") && entry.name.endsWith("-dec.wav")) {
          return `${o.dir}/${entry.name}`;
        }
      }
      return null;
    },
    async command(name, params = "") {
      if (!o.controlPort) throw new Error("baresip was started without a controlPort");
      return await controlCommand(o.controlPort, name, params);
    },
  };
}

/** One ctrl_tcp exchange: a netstring-framed JSON command, then its response (events skipped). */
async function controlCommand(port: number, command: string, params: string): Promise<string> {
  const token = crypto.randomUUID();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, 5000);
  try {
    const json = JSON.stringify({ command, params, token });
    await conn.write(new TextEncoder().encode(`${new TextEncoder().encode(json).length}:${json},`));
    let buffer = "";
    const chunk = new Uint8Array(4096);
    const decoder = new TextDecoder();
    while (true) {
      const n = await conn.read(chunk).catch((error) => {
        throw timedOut ? new Error(`baresip ctrl_tcp: no answer to ${command} in 5 s`) : error;
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
