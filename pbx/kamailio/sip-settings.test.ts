/**
 * A user's privacy settings on the SIP path, on the stack's real Kamailio (WITH_TRUNK), agent,
 * Redis and RTPEngine: the settings are provisioned through the agent's signed API as web pushes
 * them, and plain UDP phones and a stand-in trunk place the calls. Do-not-disturb is 486 for
 * everyone, no direct calls 480 for colleagues only, blocked anonymous calls 433 for a withheld
 * outside number only; nothing rings for a refused call, and with the settings off every call
 * rings. Run with `deno test -A pbx/kamailio/sip-settings.test.ts`.
 */
import assert from "node:assert/strict";
import type { SubscriberUpsert } from "../../shared/agent-contract.ts";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { freeStackPorts, type Stack, startStack } from "../../tools/stack/stack.ts";
import { provision } from "../testing/kit.ts";
import { plainSdp, type UdpRequest, UdpSipClient } from "../testing/udp-sip.ts";
import type { SipMessage } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const ALICE = "care4w-1500001";
const BOB = "care4w-1500002";
const password = (user: string) => `${user}-settings-pw`;
const tag = () => crypto.randomUUID().slice(0, 8);
type Settings = Pick<SubscriberUpsert, "doNotDisturb" | "allowDirectCalls" | "blockAnonymousCalls">;

/** Pushes a subscriber with `settings` as web would; returns the agent's HTTP status. */
function putSettings(stack: Stack, user: string, settings: Settings | Record<string, unknown>) {
  return provision(stack.urls.agent, stack.internalApiSecret, "PUT", user, {
    ha1: digestHa1(user, DOMAIN, password(user)),
    active: true,
    ...settings,
  } as SubscriberUpsert);
}

/** An INVITE (or MESSAGE) to Bob from `from`; `extra` headers as the sender would add them. */
function toBob(phone: UdpSipClient, from: string, method = "INVITE", extra: string[] = []) {
  return {
    method,
    uri: `sip:${BOB}@${DOMAIN}`,
    from: `${from};tag=${tag()}`,
    to: `<sip:${BOB}@${DOMAIN}>`,
    callId: crypto.randomUUID(),
    cseq: 1,
    extra,
    body: method === "INVITE" ? plainSdp(phone.port + 1) : "hello",
  } satisfies UdpRequest;
}

/** Ends an answered call (ACK, BYE) or acknowledges a refusal; returns the final status. */
async function settle(phone: UdpSipClient, sent: UdpRequest, reply: SipMessage | null) {
  assert.ok(reply, `a final reply to ${sent.method}`);
  if (sent.method !== "INVITE") return reply.status;
  if (reply.status < 300) {
    phone.ackAnswer(sent, reply);
    assert.equal((await phone.bye(sent, reply))?.status, 200, "the call hangs up");
  } else {
    phone.ackFailure(sent, reply);
  }
  return reply.status;
}

Deno.test({
  name: "do-not-disturb, no direct calls and blocked anonymous calls answer SIP calls",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const ports = await freeStackPorts();
    // The trunk's socket first: Kamailio trusts the trunk by address and port (TRUNK_URI).
    const trunk = await UdpSipClient.open(ports.sip);
    const stack = await startStack({
      ports,
      sipDomain: DOMAIN,
      kamailioDefines: ["WITH_TRUNK", `TRUNK_URI="sip:127.0.0.1:${trunk.port}"`],
    });
    const alice = await UdpSipClient.open(stack.ports.sip);
    const bob = await UdpSipClient.open(stack.ports.sip);
    const rung = () => bob.answered.filter((m) => m.method === "INVITE").length;
    /** Alice's authenticated call to Bob: its final status. */
    const fromAlice = async (method = "INVITE") => {
      const request = toBob(alice, `<sip:${ALICE}@${DOMAIN}>`, method);
      const { reply, sent } = await alice.authed(request, {
        username: ALICE,
        password: password(ALICE),
      });
      return [await settle(alice, sent, reply), reply?.raw.split("\r\n")[0]] as const;
    };
    /** A call in from the trunk with this From and headers: its final status. */
    const fromTrunk = async (from: string, extra: string[] = []) => {
      const sent = toBob(trunk, from, "INVITE", extra);
      return await settle(trunk, sent, await trunk.ask(sent));
    };
    const number = "<sip:+4930123456@trunk.example>";
    const anonymous = '"Anonymous" <sip:anonymous@anonymous.invalid>';
    try {
      assert.equal(await putSettings(stack, ALICE, {}), 200);
      assert.equal(await putSettings(stack, BOB, {}), 200);
      const { reply } = await bob.authed({
        method: "REGISTER",
        uri: `sip:${DOMAIN}`,
        from: `<sip:${BOB}@${DOMAIN}>;tag=${tag()}`,
        to: `<sip:${BOB}@${DOMAIN}>`,
        callId: crypto.randomUUID(),
        cseq: 1,
        extra: ["Expires: 600"],
      }, { username: BOB, password: password(BOB) });
      assert.equal(reply?.status, 200, `Bob registers: ${reply?.raw}`);
      bob.answerCalls();

      await t.step(
        "settings off: a colleague, a number and a withheld number all ring",
        async () => {
          assert.equal((await fromAlice())[0], 200);
          assert.equal(await fromTrunk(number), 200);
          assert.equal(await fromTrunk(anonymous, ["Privacy: id"]), 200);
          assert.equal(rung(), 3);
        },
      );

      await t.step("do-not-disturb: 486 Busy Here for everyone, nothing rings", async () => {
        assert.equal(await putSettings(stack, BOB, { doNotDisturb: true }), 200);
        const before = rung();
        assert.deepEqual(await fromAlice(), [486, "SIP/2.0 486 Busy Here"]);
        assert.equal(await fromTrunk(number), 486);
        assert.equal(rung(), before, "Bob's phone saw no INVITE");
        // Calls only: a text message still reaches Bob's devices.
        assert.equal((await fromAlice("MESSAGE"))[0], 200);
      });

      await t.step("a malformed push is refused and changes nothing", async () => {
        assert.equal(await putSettings(stack, BOB, { doNotDisturb: "yes" }), 400);
        assert.equal((await fromAlice())[0], 486, "still do-not-disturb");
      });

      await t.step("no direct calls: 480 for a colleague; an outside phone rings", async () => {
        assert.equal(await putSettings(stack, BOB, { allowDirectCalls: false }), 200);
        const before = rung();
        assert.deepEqual(await fromAlice(), [480, "SIP/2.0 480 Temporarily Unavailable"]);
        assert.equal(rung(), before, "Bob's phone saw no INVITE");
        assert.equal(await fromTrunk(number), 200);
        assert.equal(rung(), before + 1);
      });

      await t.step("blocked anonymous calls: 433 for a withheld outside number", async () => {
        assert.equal(await putSettings(stack, BOB, { blockAnonymousCalls: true }), 200);
        const before = rung();
        assert.equal(await fromTrunk(anonymous), 433);
        assert.equal(await fromTrunk(number, ["Privacy: id"]), 433);
        assert.equal(rung(), before, "Bob's phone saw no INVITE");
        // A shown number and a colleague still ring.
        assert.equal(await fromTrunk(number), 200);
        assert.equal((await fromAlice())[0], 200);
        assert.equal(rung(), before + 2);
      });

      await t.step("settings back off: the next call rings at once", async () => {
        assert.equal(await putSettings(stack, BOB, {}), 200);
        const before = rung();
        assert.equal((await fromAlice())[0], 200);
        assert.equal(await fromTrunk(anonymous), 200);
        assert.equal(rung(), before + 2);
      });
    } finally {
      for (const phone of [trunk, alice, bob]) phone.close();
      await stack.stop();
    }
  },
});
