/**
 * Kamailio on real processes: SIPp against kamailio + the real agent (agent/src/main.ts) +
 * redis-server + rtpengine, all on loopback.
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { startKamailio, startStack } from "../../tools/stack/stack.ts";
import {
  describe,
  ha1,
  provision,
  registeredAors,
  rpc,
  sipp,
  type SippCall,
  sippServer,
} from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const ALICE = "care4w-1000001";
const BOB = "care4w-1000002";
const CAROL = "care4w-1000003";
const NOBODY = "care4w-1999999";

Deno.test({
  name: "SIP edge: registration, identity binding, rotation, deactivation and bans",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({
      ports: {
        sip: 15060,
        ws: 18080,
        rpc: 15170,
        redis: 6400,
        agent: 7200,
        rtpengineNg: 22223,
        rtpMin: 31000,
        rtpMax: 31049,
      },
      sipDomain: DOMAIN,
      // Long enough to see, short enough that a rerun right after is not locked out.
      kamailioDefines: ["BAN_TIME=120"],
    });
    const target = `127.0.0.1:${stack.ports.sip}`;
    const secret = stack.internalApiSecret;
    const run = (
      scenario: string,
      calls: SippCall[],
      localIp = "127.0.0.1",
    ) =>
      sipp({
        scenario,
        target,
        calls,
        domain: DOMAIN,
        localIp,
        localPort: 15064,
        workDir: stack.workDir,
      });
    const put = (id: string, password: string | null, active = true) =>
      provision(stack.urls.agent, secret, "PUT", id, {
        ha1: password === null ? null : ha1(id, DOMAIN, password),
        active,
      });
    const ephemeral = (id: string) =>
      ephemeralSipCredentials(stack.sipCredentialSecret, id, 600, Date.now() / 1000);

    try {
      assert.equal(await put(ALICE, "alice-pw-1"), 200);
      assert.equal(await put(BOB, "bob-pw-1"), 200);
      assert.equal(await put(CAROL, "carol-pw-1"), 200);

      await t.step("a provisioned subscriber registers with the right password", async () => {
        const r = await run("register-200.xml", [
          { user: ALICE, authUser: ALICE, password: "alice-pw-1" },
        ]);
        assert.equal(r.code, 0, describe(r));
        assert.ok((await registeredAors(stack.urls.rpc)).includes(ALICE));
      });

      await t.step("a wrong password never gets 200", async () => {
        const r = await run("register-401.xml", [
          { user: BOB, authUser: BOB, password: "not-bobs" },
          { user: BOB, authUser: BOB, password: "" },
        ]);
        assert.equal(r.code, 0, describe(r));
        assert.ok(!(await registeredAors(stack.urls.rpc)).includes(BOB));
      });

      await t.step("an unknown user gets the same challenge as a known one", async () => {
        const known = await run("register-401.xml", [
          { user: BOB, authUser: BOB, password: "guess" },
        ]);
        const unknown = await run("register-401.xml", [
          { user: NOBODY, authUser: NOBODY, password: "guess" },
        ]);
        assert.equal(known.code, 0, describe(known));
        assert.equal(unknown.code, 0, describe(unknown));
        const shape = (logs: string) =>
          logs.split("\n").filter((l) => l.startsWith("CHALLENGE")).map((l) =>
            l.replace(/nonce="[^"]+"/, 'nonce="*"').trim()
          );
        assert.equal(shape(known.logs).length, 2, known.logs);
        assert.deepEqual(shape(unknown.logs), shape(known.logs));
      });

      await t.step("ephemeral credentials register their own user", async () => {
        const cred = ephemeral(CAROL);
        const r = await run("register-200.xml", [
          { user: CAROL, authUser: cred.username, password: cred.password },
        ]);
        assert.equal(r.code, 0, describe(r));
        assert.ok((await registeredAors(stack.urls.rpc)).includes(CAROL));
      });

      await t.step("A's valid credentials cannot register B's address", async () => {
        const cred = ephemeral(ALICE);
        const r = await run("register-403.xml", [
          { user: BOB, authUser: ALICE, password: "alice-pw-1" },
          { user: BOB, authUser: cred.username, password: cred.password },
        ]);
        assert.equal(r.code, 0, describe(r));
        assert.ok(!(await registeredAors(stack.urls.rpc)).includes(BOB));
      });

      await t.step("A's valid credentials cannot send an INVITE from B", async () => {
        const cred = ephemeral(ALICE);
        const r = await run("invite-403.xml", [
          { user: BOB, authUser: ALICE, password: "alice-pw-1", extra: [CAROL] },
          { user: BOB, authUser: cred.username, password: cred.password, extra: [CAROL] },
        ]);
        assert.equal(r.code, 0, describe(r));
      });

      await t.step("INVITE routing: unknown ID 404, not registered 480", async () => {
        const missing = await run("invite-404.xml", [
          { user: ALICE, authUser: ALICE, password: "alice-pw-1", extra: [NOBODY] },
          { user: ALICE, authUser: ALICE, password: "alice-pw-1", extra: ["+4915112345678"] },
        ]);
        assert.equal(missing.code, 0, describe(missing));
        // Bob is provisioned but has no registration; also reachable by the 7-digit short form.
        const absent = await run("invite-480.xml", [
          { user: ALICE, authUser: ALICE, password: "alice-pw-1", extra: [BOB] },
          { user: ALICE, authUser: ALICE, password: "alice-pw-1", extra: ["1000002"] },
        ]);
        assert.equal(absent.code, 0, describe(absent));
      });

      await t.step("after rotation the old password fails at once, the new one works", async () => {
        // Alice's HA1 is in Kamailio's cache now (she registered above).
        const cached = await rpc(stack.urls.rpc, "htable.get", ["authcache", ALICE]);
        assert.ok(JSON.stringify(cached).includes(ha1(ALICE, DOMAIN, "alice-pw-1")));
        assert.equal(await put(ALICE, "alice-pw-2"), 200);
        const old = await run("register-401.xml", [
          { user: ALICE, authUser: ALICE, password: "alice-pw-1" },
        ]);
        assert.equal(old.code, 0, describe(old));
        const fresh = await run("register-200.xml", [
          { user: ALICE, authUser: ALICE, password: "alice-pw-2" },
        ]);
        assert.equal(fresh.code, 0, describe(fresh));
      });

      await t.step(
        "after deactivation and deletion the user cannot register and is gone",
        async () => {
          assert.ok((await registeredAors(stack.urls.rpc)).includes(CAROL));
          const cred = ephemeral(CAROL);
          assert.equal(await put(CAROL, "carol-pw-1", false), 200);
          assert.ok(!(await registeredAors(stack.urls.rpc)).includes(CAROL));
          const inactive = await run("register-401.xml", [
            { user: CAROL, authUser: CAROL, password: "carol-pw-1" },
            { user: CAROL, authUser: cred.username, password: cred.password },
          ]);
          assert.equal(inactive.code, 0, describe(inactive));

          assert.ok((await registeredAors(stack.urls.rpc)).includes(ALICE));
          const status = await provision(stack.urls.agent, secret, "DELETE", ALICE);
          assert.ok(status === 200 || status === 204, `DELETE answered ${status}`);
          assert.ok(!(await registeredAors(stack.urls.rpc)).includes(ALICE));
          const gone = await run("register-401.xml", [
            { user: ALICE, authUser: ALICE, password: "alice-pw-2" },
          ]);
          assert.equal(gone.code, 0, describe(gone));
          // A call to her now finds nobody.
          const call = await run("invite-404.xml", [
            { user: BOB, authUser: BOB, password: "bob-pw-1", extra: [ALICE] },
          ]);
          assert.equal(call.code, 0, describe(call));
        },
      );

      await t.step(
        "5 failed authentications ban 127.0.0.2; 127.0.0.1 still registers",
        async () => {
          const wrong = Array.from({ length: 5 }, () => ({
            user: BOB,
            authUser: BOB,
            password: "brute-force",
          }));
          const failures = await run("register-401.xml", wrong, "127.0.0.2");
          assert.equal(failures.code, 0, describe(failures));
          const banned = await run(
            "register-silence.xml",
            [{ user: BOB, authUser: BOB, password: "bob-pw-1" }],
            "127.0.0.2",
          );
          assert.equal(banned.code, 0, `127.0.0.2 still answered:\n${describe(banned)}`);
          const fine = await run("register-200.xml", [
            { user: BOB, authUser: BOB, password: "bob-pw-1" },
          ]);
          assert.equal(fine.code, 0, describe(fine));
        },
      );

      await t.step("a scanner user agent is dropped and its address banned", async () => {
        const scan = await run("options-scanner.xml", [
          { user: "100", authUser: "100", password: "x" },
        ], "127.0.0.3");
        assert.equal(scan.code, 0, `the scanner got an answer:\n${describe(scan)}`);
        const banned = await rpc(stack.urls.rpc, "htable.get", ["ipban", "127.0.0.3"]);
        assert.ok(JSON.stringify(banned).includes("127.0.0.3"), JSON.stringify(banned));
      });

      await t.step("a request flood (pike) bans its source", async () => {
        const calls = Array.from(
          { length: 150 },
          () => ({ user: "x", authUser: "x", password: "x" }),
        );
        const flood = await sipp({
          scenario: "options-200.xml",
          target,
          calls,
          domain: DOMAIN,
          localIp: "127.0.0.4",
          localPort: 15064,
          workDir: stack.workDir,
          rate: 300,
        });
        // pike allows 30 requests per 2 s: the first ones are answered, then silence.
        assert.ok(
          /Successful call\s*\|\s*\d+\s*\|\s*([1-9]\d*)/.test(flood.output),
          describe(flood),
        );
        assert.notEqual(flood.code, 0, "all 150 requests were answered: no flood detection");
        const banned = await rpc(stack.urls.rpc, "htable.get", ["ipban", "127.0.0.4"]);
        assert.ok(JSON.stringify(banned).includes("127.0.0.4"), JSON.stringify(banned));
        const after = await run("register-silence.xml", [
          { user: BOB, authUser: BOB, password: "bob-pw-1" },
        ], "127.0.0.4");
        assert.equal(after.code, 0, describe(after));
      });

      await t.step(
        "WITH_TRUNK: E.164 numbers go to the trunk, callers still authenticate",
        async () => {
          const trunkKamailio = await startKamailio({
            ports: {
              sip: 15070,
              ws: 18083,
              rpc: 15173,
              agent: stack.ports.agent,
              rtpengineNg: stack.ports.rtpengineNg,
            },
            sipDomain: DOMAIN,
            defines: ["WITH_TRUNK", 'TRUNK_URI="sip:127.0.0.1:15096"'],
            workDir: stack.workDir,
            name: "kamailio-trunk",
          });
          const gateway = sippServer({
            scenario: "uas-486.xml",
            localPort: 15096,
            workDir: stack.workDir,
          });
          try {
            // The caller sits on the trunk's address (127.0.0.1) but another port: challenged.
            const call = await sipp({
              scenario: "invite-486.xml",
              target: "127.0.0.1:15070",
              calls: [{
                user: BOB,
                authUser: BOB,
                password: "bob-pw-1",
                extra: ["+4915112345678"],
              }],
              domain: DOMAIN,
              localPort: 15064,
              workDir: stack.workDir,
            });
            assert.equal(call.code, 0, describe(call));
            const reached = await gateway.done;
            assert.equal(reached.code, 0, describe(reached));
            assert.match(reached.logs, /RURI INVITE sip:\+4915112345678@127\.0\.0\.1:15096/);
          } finally {
            await gateway.stop();
            await trunkKamailio.stop();
          }
        },
      );

      await t.step("agent unreachable: 503, never 200", async () => {
        await stack.stopOne("agent");
        const cred = ephemeral(BOB);
        const r = await run("register-503.xml", [
          { user: BOB, authUser: cred.username, password: cred.password },
        ]);
        assert.equal(r.code, 0, describe(r));
      });
    } finally {
      await stack.stop();
    }
  },
});
