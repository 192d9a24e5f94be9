/**
 * pbx/freeswitch's variables, checked without FreeSWITCH: every global defined before use, no
 * password in the files, preflight.sh, and the configuration as FreeSWITCH's preprocessor turns
 * it into for a given environment (testing/preprocess.ts): every value in its place, loopback
 * listeners by default, and no start without an ESL password.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MEDIA_VARIABLES } from "../../shared/media-contract.ts";
import { child, CONF_DIR, configuration, params, parsed } from "./testing/config-files.ts";
import * as FS from "./testing/freeswitch-1.10.ts";
import {
  ALL_INSTRUCTIONS,
  BUILTINS,
  FILES,
  FULL_ENV,
  PATH_ENV,
  preprocessed,
} from "./testing/config-shared.ts";
import { parseXml, walk } from "./testing/xml.ts";

Deno.test("every $${global} is defined before it is used, and so is every ${cf_*} global", () => {
  const defined = new Set([
    ...FS.CORE_VARIABLES,
    ...ALL_INSTRUCTIONS.filter((i) => ["set", "env-set", "exec-set"].includes(i.cmd))
      .map((i) => i.name),
  ]);
  for (const f of FILES) {
    for (const [, name] of f.text.matchAll(/\$\$\{([^}]*)\}/g)) {
      assert.ok(defined.has(name), `${f.rel}: $\${${name}} is never defined`);
    }
    // Globals read at call time: a channel variable lookup falls back to them.
    for (const [, name] of f.text.matchAll(/(?<!\$)\$\{(cf_[a-z0-9_]*?)(?:\$1)?\}/g)) {
      assert.ok(defined.has(name) || name === "cf_did_", `${f.rel}: \${${name}} undefined`);
    }
  }
  // In order, as the preprocessor reads them, with the fullest and the emptiest environment.
  for (const env of [FULL_ENV, { FREESWITCH_ESL_PASSWORD: "x" }]) {
    const result = preprocessed(env);
    assert.deepEqual(result.undefinedUses, []);
    assert.deepEqual(result.otherCommands, []);
  }
});

Deno.test("exec-set prints nothing when its variable is unset: the default stays", () => {
  // FreeSWITCH keeps any output, even the lone newline of an echo of nothing, as the value.
  const execSets = ALL_INSTRUCTIONS.filter((i) => i.cmd === "exec-set");
  assert.ok(execSets.length >= 7);
  for (const i of execSets) {
    const out = new Deno.Command("/bin/sh", {
      args: ["-c", i.value],
      env: PATH_ENV,
      clearEnv: true,
      stdout: "piped",
    }).outputSync();
    assert.equal(new TextDecoder().decode(out.stdout), "", `${i.file}:${i.line}: ${i.data}`);
  }
});

Deno.test("globals are cf_* and never share a name with a channel variable", () => {
  const contract = new Set<string>(Object.values(MEDIA_VARIABLES));
  for (const i of ALL_INSTRUCTIONS.filter((i) => i.cmd.endsWith("set"))) {
    assert.match(i.name, /^cf_[a-z0-9_]+$/, `${i.file}:${i.line}`);
    assert.ok(!contract.has(i.name));
  }
  for (const i of ALL_INSTRUCTIONS.filter((i) => i.file === "dids.xml")) {
    assert.match(i.data, /^cf_did_[0-9]{3,15}=care4w-[0-9]{7}$/, `${i.file}:${i.line}`);
  }
});

Deno.test("no password-like value is a literal", () => {
  const secret = /passw|secret|token|cred/i;
  for (const f of FILES) {
    for (const element of walk(parsed(f))) {
      for (const [attr, value] of Object.entries(element.attrs)) {
        const named = attr === "value" && secret.test(element.attrs.name ?? "");
        if (named || (secret.test(attr) && attr !== "name")) {
          assert.match(value, /^\$\$\{cf_[a-z0-9_]+\}$/, `${f.rel}: ${element.attrs.name}`);
        }
      }
    }
  }
  for (const i of ALL_INSTRUCTIONS.filter((i) => secret.test(i.name))) {
    // Only ever from the environment (an empty default aside).
    if (i.cmd === "set") assert.equal(i.value, "", `${i.file}:${i.line}: ${i.data}`);
    else assert.equal(i.cmd, "env-set", `${i.file}:${i.line}: ${i.data}`);
    if (i.cmd === "env-set") assert.match(i.value, /^\$[A-Z_]+$/);
  }
  const esl = ALL_INSTRUCTIONS.filter((i) => i.name === "cf_esl_password");
  assert.deepEqual(esl.map((i) => i.data), ["cf_esl_password=$FREESWITCH_ESL_PASSWORD"]);
  for (const f of FILES) assert.ok(!/default_password|value="ClueCon"/.test(f.text), f.rel);
});

/** Runs preflight.sh with only `env` (and PATH) set: what it printed to stdout and stderr. */
function preflight(env: Record<string, string>) {
  const out = new Deno.Command("/bin/sh", {
    args: [join(CONF_DIR, "preflight.sh")],
    env: { ...PATH_ENV, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("preflight.sh prints nothing for a usable environment", () => {
  assert.deepEqual(preflight(FULL_ENV), { stdout: "", stderr: "" });
  assert.deepEqual(preflight({ FREESWITCH_ESL_PASSWORD: "x" }), { stdout: "", stderr: "" });
  assert.deepEqual(preflight({ ...FULL_ENV, ORG_CALLER_NUMBER: "" }).stdout, "");
});

Deno.test("preflight.sh refuses a missing password and values that would break the setup", () => {
  const refused = (env: Record<string, string>, name: string) => {
    const { stdout, stderr } = preflight(env);
    assert.ok(stdout.includes(`</careflow-config-error:${name}>`), `${name}: ${stdout}`);
    assert.match(stderr, new RegExp(`${name} `));
  };
  refused({}, "FREESWITCH_ESL_PASSWORD");
  refused({ FREESWITCH_ESL_PASSWORD: "" }, "FREESWITCH_ESL_PASSWORD");
  for (const bad of ['a"b', "a b", "a<b", "a&b", "a$b", "a\\b", "x".repeat(257), "a\nb"]) {
    refused({ FREESWITCH_ESL_PASSWORD: bad }, "FREESWITCH_ESL_PASSWORD");
  }
  const cases: Record<string, string> = {
    FREESWITCH_ESL: "127.0.0.1",
    FREESWITCH_SIP_IP: "localhost",
    FREESWITCH_SIP_PORT: "50 80",
    KAMAILIO_SIP: "kamailio.internal:5060",
    KAMAILIO_SIP_ACL: "127.0.0.1",
    FREESWITCH_TRUNK_PASSWORD: 'p"w',
    FREESWITCH_TRUNK_REGISTER: "true",
    FREESWITCH_PSTN_VIA: "twilio",
    ORG_CALLER_NUMBER: "02071234567",
    FREESWITCH_RING_TIMEOUT: "0",
    RECORDINGS_SPOOL_DIR: "relative/spool",
    FREESWITCH_CDR_DIR: "/with space",
    SIP_DOMAIN: "",
    FREESWITCH_LOG_LEVEL: "verbose",
  };
  for (const [name, value] of Object.entries(cases)) {
    refused({ FREESWITCH_ESL_PASSWORD: "x", [name]: value }, name);
  }
  // A host name is fine when the ACL names the addresses.
  assert.equal(
    preflight({ ...FULL_ENV, KAMAILIO_SIP: "kamailio.internal:5060" }).stdout,
    "",
  );
});

Deno.test("preprocessed with a full environment: every value in its place", () => {
  const doc = parseXml(preprocessed(FULL_ENV).text);
  const settings = (name: string) => params(child(configuration(doc, name), "settings"));
  assert.deepEqual(Object.fromEntries(settings("event_socket.conf")), {
    "listen-ip": "127.0.0.1",
    "listen-port": "18021",
    password: "esl-Secret.42",
    "apply-inbound-acl": "careflow-esl",
    "nat-map": "false",
  });
  assert.equal(settings("json_cdr.conf").get("log-dir"), "/var/spool/careflow/cdr");
  assert.equal(settings("switch.conf").get("rtp-start-port"), "30000");
  assert.equal(settings("switch.conf").get("rtp-end-port"), "30099");
  assert.equal(settings("switch.conf").get("loglevel"), "notice");

  const lists = child(configuration(doc, "acl.conf"), "network-lists");
  const node = (list: string) => child(child(lists, "list", list), "node").attrs;
  assert.deepEqual(node("careflow-esl"), { type: "allow", cidr: "127.0.0.1/32,10.0.0.0/8" });
  assert.deepEqual(node("careflow-kamailio"), {
    type: "allow",
    cidr: "127.0.0.4/32,127.0.0.5/32",
    port: "15060",
  });
  assert.deepEqual(node("careflow-trunk"), { type: "allow", cidr: "192.0.2.0/24" });

  const profiles = child(configuration(doc, "sofia.conf"), "profiles");
  const profile = (name: string) => child(profiles, "profile", name);
  const kamailio = params(child(profile("kamailio"), "settings"));
  assert.equal(kamailio.get("sip-ip"), "127.0.0.2");
  assert.equal(kamailio.get("sip-port"), "15080");
  assert.equal(kamailio.get("rtp-ip"), "127.0.0.3");
  assert.equal(kamailio.get("inbound-codec-prefs"), "PCMA,OPUS");
  assert.equal(kamailio.get("apply-inbound-acl"), "careflow-kamailio");
  const trunk = params(child(profile("trunk"), "settings"));
  assert.equal(trunk.get("sip-ip"), "127.0.0.6");
  assert.equal(trunk.get("sip-port"), "15090");
  assert.equal(trunk.get("ext-rtp-ip"), "198.51.100.7");
  assert.equal(trunk.get("inbound-codec-prefs"), "PCMU");
  const gateway = params(child(child(profile("trunk"), "gateways"), "gateway", "pstn"));
  assert.equal(gateway.get("proxy"), "192.0.2.10:5062");
  assert.equal(gateway.get("from-domain"), "sip.example.net");
  assert.equal(gateway.get("register"), "true");
  assert.equal(gateway.get("username"), "acct-7");
  assert.equal(gateway.get("password"), "trunk-Secret.7");

  const text = preprocessed(FULL_ENV).text;
  assert.ok(
    text.includes(
      "sip_route_uri=sip:127.0.0.4:15060}sofia/kamailio/${careflow_callee}@careflow.test",
    ),
  );
  assert.ok(text.includes('data="call_timeout=30"'));
  assert.ok(text.includes("/var/spool/careflow/recordings/call-${uuid}.wav"));
  assert.ok(text.includes("${file_exists(/var/lib/careflow/greetings/${destination_number}.wav)}"));
  assert.ok(text.includes('data="careflow_caller_number=+442071234567"'));
  const globals = preprocessed(FULL_ENV).globals;
  assert.equal(globals.get("cf_pstn_via"), "kamailio");
  assert.equal(globals.get("cf_trunk_register"), "true");
});

Deno.test("preprocessed with only the password: loopback listeners and default folders", () => {
  const doc = parseXml(preprocessed({ FREESWITCH_ESL_PASSWORD: "x" }).text);
  const esl = params(child(configuration(doc, "event_socket.conf"), "settings"));
  assert.equal(esl.get("listen-ip"), "127.0.0.1");
  assert.equal(esl.get("listen-port"), "8021");
  const profiles = child(configuration(doc, "sofia.conf"), "profiles");
  for (const name of ["kamailio", "trunk"]) {
    const settings = params(child(child(profiles, "profile", name), "settings"));
    assert.equal(settings.get("sip-ip"), "127.0.0.1", name);
    assert.equal(settings.get("rtp-ip"), "127.0.0.1", name);
  }
  const gateway = params(child(child(child(profiles, "profile", "trunk"), "gateways"), "gateway"));
  assert.equal(gateway.get("register"), "false");
  const cdr = params(child(configuration(doc, "json_cdr.conf"), "settings"));
  assert.equal(cdr.get("log-dir"), `${BUILTINS.log_dir}/json_cdr`);
  const lists = child(configuration(doc, "acl.conf"), "network-lists");
  const cidr = (d: typeof doc, list: string) =>
    child(child(child(configuration(d, "acl.conf"), "network-lists"), "list", list), "node")
      .attrs.cidr;
  assert.equal(child(child(lists, "list", "careflow-kamailio"), "node").attrs.port, "5060");
  assert.equal(cidr(doc, "careflow-kamailio"), "127.0.0.1/32");
  // Nobody may call in on the trunk profile until the trunk is named.
  assert.equal(cidr(doc, "careflow-trunk"), "0.0.0.0/32");
  const named = parseXml(
    preprocessed({ FREESWITCH_ESL_PASSWORD: "x", FREESWITCH_TRUNK: "192.0.2.9:5060" }).text,
  );
  assert.equal(cidr(named, "careflow-trunk"), "192.0.2.9/32");
});

Deno.test("without an ESL password the configuration does not parse: FreeSWITCH will not start", () => {
  const envs: Record<string, string>[] = [
    {},
    { FREESWITCH_ESL_PASSWORD: "" },
    { ...FULL_ENV, SIP_DOMAIN: "a b" },
  ];
  for (const env of envs) {
    const { text } = preprocessed(env);
    assert.throws(() => parseXml(text), /unexpected closing tag <\/careflow-config-error:/);
  }
});
