/**
 * What the pbx/freeswitch config tests share: the configuration's files, parsed, and the
 * configuration as FreeSWITCH's preprocessor expands it for a given environment.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  child,
  CONF_DIR,
  type ConfigFile,
  configFiles,
  instructions,
  parsed,
} from "./config-files.ts";
import * as FS from "./freeswitch-1.10.ts";
import { preprocess } from "./preprocess.ts";

export const FILES = configFiles();
export const file = (rel: string): ConfigFile => {
  const found = FILES.find((f) => f.rel === rel);
  if (!found) throw new Error(`no ${rel}`);
  return found;
};
export const ALL_INSTRUCTIONS = FILES.flatMap((f) => instructions(f).found);
export const DIALPLAN = FILES.filter((f) => f.rel.startsWith("dialplan/")).map(parsed);
export const SOFIA = child(
  parsed(file("autoload_configs/sofia.conf.xml")),
  "configuration",
  "sofia.conf",
);

/** What FreeSWITCH sets itself before reading the configuration (made-up folders). */
export const BUILTINS = Object.fromEntries(
  [...FS.CORE_VARIABLES].map((name) => [name, `/opt/freeswitch/${name.replace(/_dir$/, "")}`]),
);
BUILTINS.conf_dir = CONF_DIR;

/** A full environment, every variable vars.xml reads set to a value unlike its default. */
export const FULL_ENV: Record<string, string> = {
  FREESWITCH_ESL: "127.0.0.1:18021",
  FREESWITCH_ESL_PASSWORD: "esl-Secret.42",
  FREESWITCH_ESL_ACL: "127.0.0.1/32,10.0.0.0/8",
  SIP_DOMAIN: "careflow.test",
  FREESWITCH_SIP_IP: "127.0.0.2",
  FREESWITCH_SIP_PORT: "15080",
  FREESWITCH_RTP_IP: "127.0.0.3",
  FREESWITCH_RTP_PORT_MIN: "30000",
  FREESWITCH_RTP_PORT_MAX: "30099",
  FREESWITCH_CODECS: "PCMA,OPUS",
  KAMAILIO_SIP: "127.0.0.4:15060",
  KAMAILIO_SIP_ACL: "127.0.0.4/32,127.0.0.5/32",
  FREESWITCH_TRUNK: "192.0.2.10:5062",
  FREESWITCH_TRUNK_DOMAIN: "sip.example.net",
  FREESWITCH_TRUNK_ACL: "192.0.2.0/24",
  FREESWITCH_TRUNK_REGISTER: "true",
  FREESWITCH_TRUNK_USERNAME: "acct-7",
  FREESWITCH_TRUNK_PASSWORD: "trunk-Secret.7",
  FREESWITCH_TRUNK_SIP_IP: "127.0.0.6",
  FREESWITCH_TRUNK_SIP_PORT: "15090",
  FREESWITCH_TRUNK_EXT_IP: "198.51.100.7",
  FREESWITCH_TRUNK_CODECS: "PCMU",
  FREESWITCH_PSTN_VIA: "kamailio",
  ORG_CALLER_NUMBER: "+442071234567",
  FREESWITCH_RING_TIMEOUT: "30",
  FREESWITCH_CDR_DIR: "/var/spool/careflow/cdr",
  RECORDINGS_SPOOL_DIR: "/var/spool/careflow/recordings",
  VOICEMAIL_GREETINGS_DIR: "/var/lib/careflow/greetings",
  FREESWITCH_LOG_LEVEL: "notice",
};
export const PATH_ENV = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };

export function preprocessed(env: Record<string, string>) {
  return preprocess(join(CONF_DIR, "freeswitch.xml"), { ...PATH_ENV, ...env }, BUILTINS);
}

export function which(program: string): string | null {
  for (const dir of PATH_ENV.PATH.split(":")) {
    if (existsSync(join(dir, program))) return join(dir, program);
  }
  return null;
}
