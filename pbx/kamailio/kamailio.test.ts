/**
 * Kamailio on real processes: SIPp against kamailio + the real agent (agent/src/main.ts) +
 * redis-server + rtpengine, all on loopback and on free ports. One stack serves every step; the
 * steps are grouped into the functions below and run in this order (later ones rely on earlier
 * registrations, rotations and bans).
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { freePort } from "../../testing/ports.ts";
import {
  freeStackPorts,
  kamailioRpc,
  type Stack,
  startKamailio,
  startStack,
} from "../../tools/stack/stack.ts";
import {
  describe,
  ephemeralFor,
  provision,
  putSubscriber,
  registeredAors,
  sipp,
  sippRunner,
  sippServer,
} from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const ALICE = "care4w-1000001";
const BOB = "care4w-1000002";
const CAROL = "care4w-1000003";
const NOBODY = "care4w-1999999";

/** The running edge and what every group of steps uses. */
interface Edge {
  stack: Stack;
  run: ReturnType<typeof sippRunner>;
  registered(aor: string): Promise<boolean>;
}

/** Registration, the uniform challenge, ephemeral credentials and identity binding. */
async function registrationSteps(t: Deno.TestContext, { stack, run, registered }: Edge) {
  await t.step("a provisioned subscriber registers with the right password", async () => {
    const r = await run("register-200.xml", [
      { user: ALICE, authUser: ALICE, password: "alice-pw-1" },
    ]);
    assert.equal(r.code, 0, describe(r));
    assert.ok(await registered(ALICE));
  });

  await t.step("a wrong password never gets 200", async () => {
    const r = await run("register-401.xml", [
      { user: BOB, authUser: BOB, password: "not-bobs" },
      { user: BOB, authUser: BOB, password: "" },
    ]);
    assert.equal(r.code, 0, describe(r));
    assert.ok(!(await registered(BOB)));
  });

  await t.step("an unknown user gets the same challenge as a known one", async () => {
    const known = await run("register-401.xml", [{ user: BOB, authUser: BOB, password: "guess" }]);
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
    const cred = ephemeralFor(stack, CAROL);
    const r = await run("register-200.xml", [
      { user: CAROL, authUser: cred.username, password: cred.password },
    ]);
    assert.equal(r.code, 0, describe(r));
    assert.ok(await registered(CAROL));
  });

  await t.step("A's valid credentials cannot register B's address", async () => {
    const cred = ephemeralFor(stack, ALICE);
    const r = await run("register-403.xml", [
      { user: BOB, authUser: ALICE, password: "alice-pw-1" },
      { user: BOB, authUser: cred.username, password: cred.password },
    ]);
    assert.equal(r.code, 0, describe(r));
    assert.ok(!(await registered(BOB)));
  });

  await t.step("A's valid credentials cannot send an INVITE from B", async () => {
    const cred = ephemeralFor(stack, ALICE);
    const r = await run("invite-403.xml", [
      { user: BOB, authUser: ALICE, password: "alice-pw-1", extra: [CAROL] },
      { user: BOB, authUser: cred.username, password: cred.password, extra: [CAROL] },
    ]);
    assert.equal(r.code, 0, describe(r));
  });
}

/** Routing to unknown and unregistered users, then password rotation. */
async function routingAndRotationSteps(t: Deno.TestContext, { stack, run }: Edge) {
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
    const cached = await kamailioRpc(stack.rpc, "htable.get", ["authcache", ALICE]);
    assert.ok(JSON.stringify(cached).includes(digestHa1(ALICE, DOMAIN, "alice-pw-1")));
    assert.equal(await putSubscriber(stack, ALICE, "alice-pw-2"), 200);
    const old = await run("register-401.xml", [
      { user: ALICE, authUser: ALICE, password: "alice-pw-1" },
    ]);
    assert.equal(old.code, 0, describe(old));
    const fresh = await run("register-200.xml", [
      { user: ALICE, authUser: ALICE, password: "alice-pw-2" },
    ]);
    assert.equal(fresh.code, 0, describe(fresh));
  });
}

/** Deactivation and deletion through the agent reach Kamailio at once. */
async function deactivationStep(t: Deno.TestContext, { stack, run, registered }: Edge) {
  await t.step("after deactivation and deletion the user cannot register and is gone", async () => {
    assert.ok(await registered(CAROL));
    const cred = ephemeralFor(stack, CAROL);
    assert.equal(await putSubscriber(stack, CAROL, "carol-pw-1", false), 200);
    assert.ok(!(await registered(CAROL)));
    const inactive = await run("register-401.xml", [
      { user: CAROL, authUser: CAROL, password: "carol-pw-1" },
      { user: CAROL, authUser: cred.username, password: cred.password },
    ]);
    assert.equal(inactive.code, 0, describe(inactive));

    assert.ok(await registered(ALICE));
    const status = await provision(stack.urls.agent, stack.internalApiSecret, "DELETE", ALICE);
    assert.ok(status === 200 || status === 204, `DELETE answered ${status}`);
    assert.ok(!(await registered(ALICE)));
    const gone = await run("register-401.xml", [
      { user: ALICE, authUser: ALICE, password: "alice-pw-2" },
    ]);
    assert.equal(gone.code, 0, describe(gone));
    // A call to her now finds nobody.
    const call = await run("invite-404.xml", [
      { user: BOB, authUser: BOB, password: "bob-pw-1", extra: [ALICE] },
    ]);
    assert.equal(call.code, 0, describe(call));
  });
}

/** True when Kamailio's `ipban` table holds `ip`; the table's dump otherwise. */
async function banned(stack: Stack, ip: string): Promise<[boolean, string]> {
  const entry = JSON.stringify(await kamailioRpc(stack.rpc, "htable.get", ["ipban", ip]));
  return [entry.includes(ip), entry];
}

/** Failed authentications, scanners and floods ban their source address, nobody else. */
async function banSteps(t: Deno.TestContext, { stack, run }: Edge) {
  await t.step("5 failed authentications ban 127.0.0.2; 127.0.0.1 still registers", async () => {
    const wrong = Array.from({ length: 5 }, () => ({
      user: BOB,
      authUser: BOB,
      password: "brute-force",
    }));
    const failures = await run("register-401.xml", wrong, "127.0.0.2");
    assert.equal(failures.code, 0, describe(failures));
    const bob = [{ user: BOB, authUser: BOB, password: "bob-pw-1" }];
    const silenced = await run("register-silence.xml", bob, "127.0.0.2");
    assert.equal(silenced.code, 0, `127.0.0.2 still answered:\n${describe(silenced)}`);
    const fine = await run("register-200.xml", bob);
    assert.equal(fine.code, 0, describe(fine));
  });

  await t.step("a scanner user agent is dropped and its address banned", async () => {
    const scan = await run("options-scanner.xml", [
      { user: "100", authUser: "100", password: "x" },
    ], "127.0.0.3");
    assert.equal(scan.code, 0, `the scanner got an answer:\n${describe(scan)}`);
    const [isBanned, entry] = await banned(stack, "127.0.0.3");
    assert.ok(isBanned, entry);
  });

  await t.step("a request flood (pike) bans its source", async () => {
    const calls = Array.from({ length: 150 }, () => ({ user: "x", authUser: "x", password: "x" }));
    const flood = await sipp({
      scenario: "options-200.xml",
      target: `127.0.0.1:${stack.ports.sip}`,
      calls,
      domain: DOMAIN,
      localIp: "127.0.0.4",
      workDir: stack.workDir,
      rate: 300,
    });
    // pike allows 30 requests per 2 s: the first ones are answered, then silence.
    assert.ok(
      /Successful call\s*\|\s*\d+\s*\|\s*([1-9]\d*)/.test(flood.output),
      describe(flood),
    );
    assert.notEqual(flood.code, 0, "all 150 requests were answered: no flood detection");
    const [isBanned, entry] = await banned(stack, "127.0.0.4");
    assert.ok(isBanned, entry);
    const after = await run("register-silence.xml", [
      { user: BOB, authUser: BOB, password: "bob-pw-1" },
    ], "127.0.0.4");
    assert.equal(after.code, 0, describe(after));
  });
}

/** A second Kamailio WITH_TRUNK (same agent and RTPEngine), a SIPp UAS as the trunk. */
async function trunkStep(t: Deno.TestContext, { stack }: Edge) {
  await t.step(
    "WITH_TRUNK: E.164 numbers go to the trunk, callers still authenticate",
    async () => {
      const trunkPort = await freePort();
      const { agent, rtpengineNg } = stack.ports;
      const ports = { ...await freeStackPorts(), agent, rtpengineNg };
      const trunkKamailio = await startKamailio({
        agentSecret: stack.kamailioApiSecret,
        ports,
        sipDomain: DOMAIN,
        // A PSTN call needs a calling number: Bob has no own E.164, so the organisation's.
        defines: [
          "WITH_TRUNK",
          `TRUNK_URI="sip:127.0.0.1:${trunkPort}"`,
          'ORG_CALLER_NUMBER="+442070000000"',
        ],
        workDir: stack.workDir,
        name: "kamailio-trunk",
      });
      try {
        await using gateway = await sippServer({
          scenario: "uas-486.xml",
          localPort: trunkPort,
          workDir: stack.workDir,
        });
        // The caller sits on the trunk's address (127.0.0.1) but another port: challenged.
        const call = await sipp({
          scenario: "invite-486.xml",
          target: `127.0.0.1:${ports.sip}`,
          calls: [{ user: BOB, authUser: BOB, password: "bob-pw-1", extra: ["+4915112345678"] }],
          domain: DOMAIN,
          workDir: stack.workDir,
        });
        assert.equal(call.code, 0, describe(call));
        const reached = await gateway.done;
        assert.equal(reached.code, 0, describe(reached));
        assert.match(
          reached.logs,
          new RegExp(`RURI INVITE sip:\\+4915112345678@127\\.0\\.0\\.1:${trunkPort}\\b`),
        );
      } finally {
        await trunkKamailio.stop();
      }
    },
  );
}

Deno.test({
  name: "SIP edge: registration, identity binding, rotation, deactivation and bans",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({
      sipDomain: DOMAIN,
      // Long enough to see, short enough that a rerun right after is not locked out.
      kamailioDefines: ["BAN_TIME=120"],
    });
    const edge: Edge = {
      stack,
      run: sippRunner(stack),
      registered: async (aor) => (await registeredAors(stack.rpc)).includes(aor),
    };
    try {
      assert.equal(await putSubscriber(stack, ALICE, "alice-pw-1"), 200);
      assert.equal(await putSubscriber(stack, BOB, "bob-pw-1"), 200);
      assert.equal(await putSubscriber(stack, CAROL, "carol-pw-1"), 200);
      await registrationSteps(t, edge);
      await routingAndRotationSteps(t, edge);
      await deactivationStep(t, edge);
      await banSteps(t, edge);
      await trunkStep(t, edge);
      await t.step("agent unreachable: 503, never 200", async () => {
        await stack.stopOne("agent");
        const cred = ephemeralFor(stack, BOB);
        const r = await edge.run("register-503.xml", [
          { user: BOB, authUser: cred.username, password: cred.password },
        ]);
        assert.equal(r.code, 0, describe(r));
      });
    } finally {
      await stack.stop();
    }
  },
});
