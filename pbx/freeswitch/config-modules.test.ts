/**
 * pbx/freeswitch, checked without FreeSWITCH: only FreeSWITCH 1.10 modules (names taken from its
 * source, testing/freeswitch-1.10.ts) and only the ones CareFlow uses; every setting, attribute
 * and dialplan application a FreeSWITCH 1.10 name.
 */
import assert from "node:assert/strict";
import { actions, child, children, params, parsed } from "./testing/config-files.ts";
import { DIALPLAN, file, SOFIA } from "./testing/config-shared.ts";
import * as FS from "./testing/freeswitch-1.10.ts";
import { walk } from "./testing/xml.ts";

Deno.test("modules: FreeSWITCH 1.10 modules only, the ones CareFlow needs", () => {
  const modules = child(parsed(file("autoload_configs/modules.conf.xml")), "configuration");
  const loaded = children(child(modules, "modules"), "load").map((l) => l.attrs.module);
  for (const name of loaded) assert.ok(FS.MODULES.has(name), `${name} is not a 1.10 module`);
  assert.deepEqual(new Set(loaded).size, loaded.length, "a module loaded twice");
  const needed = [
    "mod_sofia",
    "mod_event_socket",
    "mod_dptools",
    "mod_dialplan_xml",
    "mod_commands",
    "mod_sndfile",
    "mod_native_file",
    "mod_tone_stream",
    "mod_loopback",
    "mod_json_cdr",
    "mod_opus",
  ];
  // mod_console is the one logger (stdout); voicemail is our own extension, not mod_voicemail.
  assert.deepEqual([...loaded].sort(), [...needed, "mod_console"].sort());
});

Deno.test("settings, attributes and applications are FreeSWITCH 1.10 names", () => {
  const known = (set: Set<string>, names: Iterable<string>, what: string) => {
    for (const name of names) assert.ok(set.has(name), `${what}: ${name} is not a 1.10 name`);
  };
  const settingsOf = (rel: string, name: string) =>
    params(child(child(parsed(file(rel)), "configuration", name), "settings")).keys();
  known(FS.CORE_SETTINGS, settingsOf("autoload_configs/switch.conf.xml", "switch.conf"), "switch");
  known(FS.CONSOLE_SETTINGS, settingsOf("autoload_configs/console.conf.xml", "console.conf"), "");
  known(
    FS.EVENT_SOCKET_SETTINGS,
    settingsOf("autoload_configs/event_socket.conf.xml", "event_socket.conf"),
    "event_socket",
  );
  known(
    FS.JSON_CDR_SETTINGS,
    settingsOf("autoload_configs/json_cdr.conf.xml", "json_cdr.conf"),
    "json_cdr",
  );
  known(FS.SOFIA_SETTINGS, params(child(SOFIA, "global_settings")).keys(), "sofia global");
  for (const profile of children(child(SOFIA, "profiles"), "profile")) {
    known(FS.SOFIA_SETTINGS, params(child(profile, "settings")).keys(), profile.attrs.name);
    for (const gateway of walk(profile)) {
      if (gateway.name === "gateway") known(FS.SOFIA_GATEWAY, params(gateway).keys(), "gateway");
    }
  }
  const acl = child(parsed(file("autoload_configs/acl.conf.xml")), "configuration", "acl.conf");
  for (const node of walk(acl)) {
    if (node.name === "node") known(FS.ACL_NODE_ATTRIBUTES, Object.keys(node.attrs), "acl node");
  }
  for (const dialplan of DIALPLAN) {
    for (const action of actions(dialplan)) {
      known(FS.APPLICATIONS, [action.attrs.application], "dialplan");
      const app = /^bridge_pre_execute_[ab]leg_app=(.*)$/.exec(action.attrs.data ?? "")?.[1];
      if (app) known(FS.APPLICATIONS, [app], "bridge_pre_execute");
    }
  }
});
