/**
 * Every call the proxy connects without FreeSWITCH leaves one record (records.cfg), on the stack's
 * real Kamailio, agent, Redis and RTPEngine, with plain UDP phones: answered, refused by the
 * callee's settings, with no device, declined by the device, and a transfer (a REFER passing
 * through the proxy names the transferor on the new call and the target on the old one). The
 * records reach the agent's outbox as cdr events for web (agent/src/sip-calls). Run with
 * `deno test -A pbx/kamailio/call-records.test.ts`.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { CdrEvent } from "../../agent/src/cdr/cdr-event.ts";
import { digestHa1 } from "../../shared/sip-credentials.ts";
import { freeStackPorts, type Stack, startStack } from "../../tools/stack/stack.ts";
import { provision } from "../testing/kit.ts";
import { UdpSipClient } from "../testing/udp-sip.ts";
import { headers } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const [ALICE, BOB, CAT, DEE] = [
  "care4w-1600001",
  "care4w-1600002",
  "care4w-1600003",
  "care4w-1600004",
];
const password = (user: string) => `${user}-records-pw`;
const tag = () => crypto.randomUUID().slice(0, 8);

function subscriber(stack: Stack, user: string, settings: { doNotDisturb?: boolean } = {}) {
  return provision(stack.urls.agent, stack.internalApiSecret, "PUT", user, {
    ha1: digestHa1(user, DOMAIN, password(user)),
    active: true,
    displayName: user === ALICE ? "Alice Carer" : undefined,
    ...settings,
  });
}

async function register(phone: UdpSipClient, user: string) {
  const reply = await phone.register(DOMAIN, { username: user, password: password(user) });
  assert.equal(reply?.status, 200, `${user} registers: ${reply?.raw}`);
}

/** `from`'s authenticated INVITE to `to`: the final reply and the request it answers. */
async function invite(phone: UdpSipClient, from: string, to: string, extra: string[] = []) {
  const { reply, sent } = await phone.call(DOMAIN, to, {
    username: from,
    password: password(from),
  }, extra);
  assert.ok(reply, `a final reply to ${from}'s INVITE`);
  return { reply, sent };
}

/** The cdr events in the agent's outbox (web is not running: nothing is taken from it). */
async function cdrEvents(redis: Redis): Promise<CdrEvent[]> {
  const entries = await redis.xrange("outbox:events", "-", "+");
  return entries.map(([, fields]) => JSON.parse(fields[1]))
    .filter((event: { type: string }) => event.type === "cdr");
}

/** Waits until the outbox holds `count` cdr events. */
async function waitForCdrs(redis: Redis, count: number): Promise<CdrEvent[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = await cdrEvents(redis);
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The phones and what the checks share. */
interface Scene {
  stack: Stack;
  alice: UdpSipClient;
  bob: UdpSipClient;
  cat: UdpSipClient;
  dee: UdpSipClient;
  /** The newest call record, once exactly one more than before is in the outbox. */
  latest(): Promise<CdrEvent["call"]>;
}

/** Calls that end without a transfer: answered, refused, unreachable, declined. */
async function plainCalls(t: Deno.TestContext, scene: Scene) {
  const { stack, alice, dee, latest } = scene;
  await t.step("an answered call: completed, with its times in order", async () => {
    const { reply, sent } = await invite(alice, ALICE, BOB);
    assert.equal(reply.status, 200);
    await pause(300);
    assert.equal((await alice.bye(sent, reply))?.status, 200);
    const call = await latest();
    assert.equal(call.mode, "sip");
    assert.equal(call.status, "completed");
    assert.deepEqual([call.caller, call.callee], [ALICE, BOB]);
    const [started, answered, ended] = [call.startedAt, call.answeredAt!, call.endedAt]
      .map((at) => Date.parse(at));
    assert.ok(started <= answered && answered + 250 <= ended, JSON.stringify(call));
  });

  await t.step("nobody's device registered: unavailable", async () => {
    assert.equal((await invite(alice, ALICE, CAT)).reply.status, 480);
    const call = await latest();
    assert.deepEqual([call.status, call.callee, call.answeredAt], ["unavailable", CAT, null]);
  });

  await t.step("the callee's do-not-disturb: busy", async () => {
    assert.equal(await subscriber(stack, BOB, { doNotDisturb: true }), 200);
    assert.equal((await invite(alice, ALICE, BOB)).reply.status, 486);
    assert.equal((await latest()).status, "busy");
    assert.equal(await subscriber(stack, BOB), 200);
  });

  await t.step("the device declines: declined", async () => {
    const pending = invite(alice, ALICE, DEE);
    const ringing = await dee.request("INVITE");
    assert.ok(ringing, "Dee's phone rings");
    dee.respond(ringing, 603, "Decline", { toTag: tag() });
    assert.equal((await pending).reply.status, 603);
    const call = await latest();
    assert.deepEqual([call.status, call.hangupCause], ["declined", "CALL_REJECTED"]);
  });
}

/** Transfers: one that took, one that is remembered once, one the transferee reports failed. */
async function transfers(t: Deno.TestContext, scene: Scene) {
  const { alice, bob, cat, latest } = scene;
  await t.step(
    "a blind transfer: the new call names the transferor, the old the target",
    async () => {
      await register(cat, CAT);
      cat.answerCalls();
      const first = await invite(alice, ALICE, BOB);
      assert.equal(first.reply.status, 200);
      const referred = await alice.refer(first.sent, first.reply, `sip:${CAT}@${DOMAIN}`);
      assert.equal(referred?.status, 200, "Bob takes the REFER");
      // Bob, the transferee, calls the target, and Alice leaves.
      // Bob's phone names someone else as the transferor: the proxy says who it was.
      const second = await invite(bob, BOB, CAT, [`Referred-By: <sip:${DEE}@${DOMAIN}>`]);
      assert.equal(second.reply.status, 200);
      const atCat = cat.answered.filter((m) => m.method === "INVITE").at(-1)!;
      assert.deepEqual(headers(atCat, "Referred-By"), [`"Alice Carer" <sip:${ALICE}@${DOMAIN}>`]);
      assert.equal(
        (await alice.bye(first.sent, first.reply, first.sent.cseq + 2))?.status,
        200,
      );
      const old = await latest();
      assert.deepEqual([old.caller, old.callee, old.transferredTo], [ALICE, BOB, CAT]);
      assert.equal(old.transferredBy, undefined);
      assert.equal((await bob.bye(second.sent, second.reply))?.status, 200);
      const transferred = await latest();
      assert.deepEqual(
        [transferred.caller, transferred.callee, transferred.transferredBy],
        [BOB, CAT, ALICE],
      );
      assert.equal(transferred.status, "completed");
    },
  );

  await t.step(
    "a REFER is remembered once: the next call between them is no transfer",
    async () => {
      const claimed = [`Referred-By: "Boss" <sip:${DEE}@${DOMAIN}>`];
      const again = await invite(bob, BOB, CAT, claimed);
      assert.equal(again.reply.status, 200);
      const atCat = cat.answered.filter((m) => m.method === "INVITE").at(-1)!;
      assert.deepEqual(headers(atCat, "Referred-By"), [], "a device's own claim is dropped");
      assert.equal((await bob.bye(again.sent, again.reply))?.status, 200);
      assert.equal((await latest()).transferredBy, undefined);
    },
  );

  await t.step("a transfer the transferee reports failed names no target", async () => {
    const call = await invite(alice, ALICE, BOB);
    assert.equal(call.reply.status, 200);
    const atBob = bob.answered.filter((m) => m.method === "INVITE").at(-1)!;
    const nobody = "care4w-1699999";
    assert.equal(
      (await alice.refer(call.sent, call.reply, `sip:${nobody}@${DOMAIN}`))?.status,
      200,
    );
    // Bob's phone tried and tells Alice it failed; the call goes on.
    const notified = bob.askCaller(atBob, {
      method: "NOTIFY",
      cseq: 1,
      extra: ["Event: refer", "Subscription-State: terminated;reason=noresource"],
      body: "SIP/2.0 404 Not Found",
      contentType: "message/sipfrag;version=2.0",
    });
    const notify = await alice.request("NOTIFY");
    assert.ok(notify, "the NOTIFY reaches Alice through the proxy");
    alice.respond(notify, 200, "OK");
    assert.equal((await notified)?.status, 200);
    assert.equal((await alice.bye(call.sent, call.reply, call.sent.cseq + 2))?.status, 200);
    const record = await latest();
    assert.deepEqual([record.status, record.transferredTo], ["completed", undefined]);
  });
}

Deno.test({
  name: "every call through the proxy leaves one record, transfers named as the proxy saw them",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({ ports: await freeStackPorts(), sipDomain: DOMAIN });
    const redis = new Redis(stack.urls.redis);
    const [alice, bob, cat, dee] = await Promise.all(
      [0, 1, 2, 3].map(() => UdpSipClient.open(stack.ports.sip)),
    );
    let expected = 0;
    const latest = async () => {
      expected++;
      const events = await waitForCdrs(redis, expected);
      assert.equal(events.length, expected, "one record more, no other");
      return events[events.length - 1].call;
    };
    try {
      for (const user of [ALICE, BOB, CAT, DEE]) assert.equal(await subscriber(stack, user), 200);
      await register(bob, BOB);
      await register(dee, DEE);
      bob.answerCalls();

      await plainCalls(t, { stack, alice, bob, cat, dee, latest });
      await transfers(t, { stack, alice, bob, cat, dee, latest });
      await t.step("each record went once: the stream keeps no backlog", async () => {
        assert.equal(await redis.xlen("kamailio:calls"), 0);
        const ids = (await cdrEvents(redis)).map((event) => event.id);
        assert.equal(new Set(ids).size, ids.length);
      });
    } finally {
      for (const phone of [alice, bob, cat, dee]) phone.close();
      redis.disconnect();
      await stack.stop();
    }
  },
});
