/**
 * pbx/freeswitch on a real FreeSWITCH: with FREESWITCH_BIN set (a FreeSWITCH 1.10 built by hand,
 * outside the repository; FREESWITCH_MOD_DIR if its modules are not where it was built to look)
 * the configuration runs on it; without it these tests are registered ignored (skipped).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MEDIA_VARIABLES } from "../../shared/media-contract.ts";
import { eventually } from "../../testing/eventually.ts";
import { child, children, parsed } from "./testing/config-files.ts";
import { file, preprocessed } from "./testing/config-shared.ts";
import { Esl } from "./testing/esl.ts";
import { startFreeSwitch, toneWav } from "./testing/freeswitch.ts";

const FREESWITCH_BIN = Deno.env.get("FREESWITCH_BIN");
if (!FREESWITCH_BIN) {
  console.log(
    "FREESWITCH_BIN unset: the tests on a real FreeSWITCH are skipped (not packaged for Debian 12)",
  );
}

/** One leg's JSON CDR, as far as these tests read it. */
interface Cdr {
  variables: Record<string, string>;
  app_log?: unknown;
  callflow?: { caller_profile?: Record<string, string> }[];
}

/** The JSON CDRs FreeSWITCH wrote so far (files that do not parse yet are skipped). */
function cdrs(dir: string): Cdr[] {
  const found = [];
  for (const entry of Deno.readDirSync(dir)) {
    try {
      found.push(JSON.parse(Deno.readTextFileSync(join(dir, entry.name))));
    } catch { /* still being written */ }
  }
  return found;
}

const appData = (cdr: { app_log?: unknown }) =>
  ((cdr.app_log as { applications?: { app_name: string; app_data: string }[] })?.applications ?? [])
    .map((a) => `${a.app_name} ${a.app_data}`);

Deno.test({
  name: "real FreeSWITCH: loads, answers ESL with the password, runs both profiles and voicemail",
  ignore: !FREESWITCH_BIN,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const fs = await startFreeSwitch(FREESWITCH_BIN!);
    let esl: Esl | undefined;
    try {
      await fs.proc.waitFor("ESL to accept the password", async () => {
        const attempt = await Esl.connect(fs.eslPort);
        if (await attempt.auth(fs.env.FREESWITCH_ESL_PASSWORD)) esl = attempt;
        else attempt.close();
        return esl !== undefined;
      }, 60_000);
      const wrong = await Esl.connect(fs.eslPort);
      assert.equal(await wrong.auth("not-the-password"), false);
      wrong.close();

      await eventually("both SIP profiles and the gateway", async () => {
        const status = await esl!.api("sofia status");
        assert.match(status, new RegExp(`kamailio\\s+profile\\s+\\S+:${fs.sipPort}\\s+RUNNING`));
        assert.match(status, new RegExp(`trunk\\s+profile\\s+\\S+:${fs.trunkSipPort}\\s+RUNNING`));
        assert.match(status, /trunk::pstn\s+gateway\s+\S+\s+NOREG/);
      }, { timeoutMs: 30_000 });
      const modules = child(parsed(file("autoload_configs/modules.conf.xml")), "configuration");
      for (const load of children(child(modules, "modules"), "load")) {
        assert.equal((await esl!.api(`module_exists ${load.attrs.module}`)).trim(), "true");
      }
      assert.equal((await esl!.api("global_getvar cf_sip_domain")).trim(), "careflow.test");

      // Loopback calls into the media context: voicemail with the default greeting (a tone),
      // with the user's own greeting. The calling side plays a tone long enough to leave a
      // message, then hangs up.
      await Deno.writeFile(join(fs.dirs.greetings, "care4w-1000003.wav"), toneWav(1, 300));
      const tone = "&playback(tone_stream://%(9000,0,440))";
      for (const target of ["care4w-1000002", "care4w-1000003"]) {
        const reply = await esl!.api(`originate loopback/${target}/careflow-media ${tone}`);
        assert.match(reply, /^\+OK /, `${target}: ${reply}`);
      }
      // A recorded call: record-call runs on the caller's leg as bridge_pre_execute_aleg_app
      // does, then the call goes on (here 4 s against an echo). Run as a loopback's own
      // extension it would end the call at once, and FreeSWITCH discards an empty recording.
      const recorded = await esl!.api(
        "originate loopback/echo/careflow-media/inline " +
          "'execute_extension:record-call XML careflow-media,sleep:4000' inline",
      );
      assert.match(recorded, /^\+OK /, `record-call: ${recorded}`);
      // Bridged back to Kamailio (nothing listens at KAMAILIO_SIP here: the INVITE fails at
      // once), the B-leg shows the CareFlow caller, or Anonymous without one: never the first
      // hop's own caller ID (loopback copies the originate's variables to the routed leg).
      const device = "origination_caller_id_number=care4w-1000001,origination_caller_id_name=Dev";
      const identities = [
        ["care4w-1000005", device, "Anonymous", "anonymous"],
        [
          "care4w-1000006",
          `${device},careflow_caller=care4w-1000004,careflow_caller_name=Dana`,
          "Dana",
          "care4w-1000004",
        ],
      ];
      for (const [callee, vars] of identities) {
        await esl!.send(`bgapi originate {${vars}}loopback/${callee}/careflow-route &park()`);
      }
      await eventually("the B-legs' caller IDs", () => {
        for (const [callee, , name, number] of identities) {
          const leg = cdrs(fs.dirs.cdr).find((cdr) =>
            cdr.variables?.channel_name === `sofia/kamailio/${callee}@careflow.test`
          );
          assert.ok(leg, `no CDR for the B-leg to ${callee}`);
          const profile = leg.callflow?.[0]?.caller_profile ?? {};
          assert.deepEqual([profile.caller_id_name, profile.caller_id_number], [name, number]);
        }
      }, { timeoutMs: 45_000 });

      const globals = preprocessed(fs.env).globals;
      const legOf = (name: string, value: string) =>
        cdrs(fs.dirs.cdr).find((cdr) => cdr.variables?.[name] === value);
      await eventually("the voicemails' and the recording's CDRs", () => {
        for (
          const [id, greeting] of [
            ["care4w-1000002", globals.get("cf_greeting_tone")!],
            ["care4w-1000003", join(fs.dirs.greetings, "care4w-1000003.wav")],
          ]
        ) {
          const cdr = legOf(MEDIA_VARIABLES.voicemailFor, id);
          assert.ok(cdr, `no CDR for ${id}'s voicemail`);
          assert.equal(cdr.variables[MEDIA_VARIABLES.recordingKind], "voicemail");
          const path = cdr.variables[MEDIA_VARIABLES.recordingPath];
          assert.ok(path.startsWith(join(fs.dirs.spool, `voicemail-${id}-`)), path);
          assert.ok(Deno.statSync(path).size > 44 + 8000, `${path}: less than 0.5 s`);
          assert.ok(appData(cdr).includes(`playback ${greeting}`), appData(cdr).join("\n"));
        }
        const call = legOf(MEDIA_VARIABLES.recordingKind, "call");
        assert.ok(call, "no CDR for the recorded call");
        const path = call.variables[MEDIA_VARIABLES.recordingPath];
        assert.ok(path.startsWith(join(fs.dirs.spool, "call-")), path);
        const wav = Deno.readFileSync(path);
        // Stereo (RECORD_STEREO): channel count at byte 22; more than 2 s of 8 kHz 16-bit.
        assert.equal(new DataView(wav.buffer).getUint16(22, true), 2, `${path}: not stereo`);
        assert.ok(wav.length > 44 + 2 * 2 * 8000 * 2, `${path}: ${wav.length} bytes`);
      }, { timeoutMs: 45_000 });
    } catch (error) {
      console.error(fs.proc.output(20_000));
      throw error;
    } finally {
      esl?.close();
      await fs.stop();
    }
  },
});

Deno.test({
  name: "real FreeSWITCH refuses to start with an empty ESL password",
  ignore: !FREESWITCH_BIN,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const fs = await startFreeSwitch(FREESWITCH_BIN!, { FREESWITCH_ESL_PASSWORD: "" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const code = await Promise.race([
        fs.proc.exit,
        new Promise<"running">((resolve) => timer = setTimeout(() => resolve("running"), 60_000)),
      ]);
      assert.notEqual(code, "running", "FreeSWITCH still runs after 60 s");
      assert.notEqual(code, 0);
      assert.match(
        fs.proc.output(),
        /Cannot Initialize.*careflow-config-error:FREESWITCH_ESL_PASSWORD/,
      );
    } finally {
      clearTimeout(timer);
      await fs.stop();
    }
  },
});
