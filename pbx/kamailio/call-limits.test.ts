/**
 * Calls per user and in all (issue 13, items 15 and 16) on the stack's real Kamailio, RTPEngine
 * and agent, from plain UDP phones: a third call at once is refused (403), the proxy's ceiling
 * gives 503 with Retry-After, a hundred calls a minute is the most a user places, and
 * deactivating a user ends the calls they are on, as caller or callee, with a BYE to both sides.
 * Run with `deno test -A pbx/kamailio/call-limits.test.ts`.
 */
import assert from "node:assert/strict";
import { kamailioRpc, startStack } from "../../tools/stack/stack.ts";
import { eventually } from "../../testing/eventually.ts";
import { putSubscriber } from "../testing/kit.ts";
import { type UdpRequest, UdpSipClient } from "../testing/udp-sip.ts";
import { header, type SipMessage } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const [ALICE, BOB, CAROL, DAVE, ERIN, FRANK] = [1, 2, 3, 4, 5, 6].map((n) =>
  `care4w-14000${String(n).padStart(2, "0")}`
);
const password = (user: string) => `${user}-limits-pw`;
const credentials = (user: string) => ({ username: user, password: password(user) });

/** A call placed and, when answered, acknowledged. */
interface Call {
  sent: UdpRequest;
  reply: SipMessage | null;
}

const call = (phone: UdpSipClient, from: string, to: string): Promise<Call> =>
  phone.call(DOMAIN, to, credentials(from));

async function register(phone: UdpSipClient, user: string) {
  const reply = await phone.register(DOMAIN, credentials(user));
  assert.equal(reply?.status, 200, `${user} registers: ${reply?.raw}`);
}

const status = (c: Call) => c.reply?.status ?? "no reply";
const byesFor = (phone: UdpSipClient, c: Call) =>
  phone.answered.filter((m) => m.method === "BYE" && header(m, "Call-ID") === c.sent.callId);

Deno.test({
  name: "calls per user and in all, and a deactivation ends the user's calls on both sides",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({ sipDomain: DOMAIN, kamailioDefines: ["MAX_CALLS=4"] });
    const phones = await Promise.all([0, 1, 2, 3].map(() => UdpSipClient.open(stack.ports.sip)));
    const [alice, bob, carol, other] = phones;
    const profileSize = async (profile: string, value: string) =>
      Number(await kamailioRpc(stack.rpc, "dlg.profile_get_size", [profile, value]));
    try {
      for (const user of [ALICE, BOB, CAROL, DAVE, ERIN, FRANK]) {
        assert.equal(await putSubscriber(stack, user, password(user)), 200);
      }
      await register(bob, BOB);
      bob.answerCalls();
      alice.answerCalls();
      carol.answerCalls();
      const aliceCalls: Call[] = [];

      await t.step("two calls at once per user; the third is refused before it rings", async () => {
        aliceCalls.push(await call(alice, ALICE, BOB), await call(alice, ALICE, BOB));
        assert.deepEqual(aliceCalls.map(status), [200, 200]);
        const third = await call(alice, ALICE, BOB);
        assert.equal(status(third), 403, third.reply?.raw ?? "no reply");
        const rung = bob.answered.filter((m) => m.method === "INVITE").length;
        assert.equal(rung, 2, "Bob's phone never saw the third call");
        assert.equal(await profileSize("caller", ALICE), 2);

        assert.equal((await alice.bye(aliceCalls[0].sent, aliceCalls[0].reply!))?.status, 200);
        aliceCalls.shift();
        await eventually(
          "the ended call to leave Alice's profile",
          async () => assert.equal(await profileSize("caller", ALICE), 1),
        );
        const again = await call(alice, ALICE, BOB);
        assert.equal(status(again), 200, "a slot is free once a call ended");
        aliceCalls.push(again);
      });

      const carolCalls: Call[] = [];
      await t.step("MAX_CALLS in all: the next caller gets 503 with Retry-After", async () => {
        carolCalls.push(await call(carol, CAROL, BOB), await call(carol, CAROL, BOB));
        assert.deepEqual(carolCalls.map(status), [200, 200]);
        const fifth = await call(other, DAVE, BOB);
        assert.equal(status(fifth), 503, fifth.reply?.raw ?? "no reply");
        assert.ok(header(fifth.reply!, "Retry-After"), "a Retry-After");
      });

      await t.step(
        "deactivating the caller ends their calls with a BYE to both sides, though RTPEngine stalls",
        async () => {
          // Established calls (their ACKs through): what a deactivation must end.
          await eventually("Alice's calls confirmed", async () => {
            const dialogs = await kamailioRpc(stack.rpc, "dlg.profile_list", ["caller", ALICE]) as {
              state: number;
            }[];
            return dialogs.length === 2 && dialogs.every((d) => d.state === 4);
          });
          // Each BYE Kamailio sends itself first releases the call's media and waits for
          // RTPEngine's answer; a relay that stalls for 2 s must not leave a call up.
          const rtpengine = stack.processes.find((p) => p.name === "rtpengine")!.pid;
          Deno.kill(rtpengine, "SIGSTOP");
          const resumed = new Promise<void>((resolve) =>
            setTimeout(() => resolve(Deno.kill(rtpengine, "SIGCONT")), 2_000)
          );
          try {
            assert.equal(await putSubscriber(stack, ALICE, null, false), 200);
          } finally {
            await resumed;
          }
          await eventually("BYEs for Alice's calls", () => {
            for (const c of aliceCalls) {
              assert.equal(byesFor(alice, c).length >= 1, true, "Alice's phone got a BYE");
              assert.equal(byesFor(bob, c).length >= 1, true, "Bob's phone got a BYE");
            }
            // Kamailio's own retransmissions of a BYE (T1 500 ms, doubling) fit in 5 s.
          }, { timeoutMs: 5_000 });
          assert.equal(await profileSize("caller", ALICE), 0);
          for (const c of carolCalls) {
            assert.equal(byesFor(carol, c).length, 0, "Carol's calls go on");
          }
        },
      );

      await t.step("deactivating the callee ends the calls to them", async () => {
        assert.equal(await putSubscriber(stack, BOB, null, false), 200);
        await eventually("BYEs for the calls to Bob", () => {
          for (const c of carolCalls) {
            assert.ok(byesFor(carol, c).length >= 1, "Carol got a BYE");
          }
        }, { timeoutMs: 2_000 });
        assert.equal(await profileSize("callee", BOB), 0);
      });

      await t.step(
        "a hundred calls a minute per user; the next is 503 with Retry-After",
        async () => {
          const outcomes: (number | string)[] = [];
          for (let i = 0; i < 101; i++) outcomes.push(status(await call(other, ERIN, FRANK)));
          // Frank has no device: each call the proxy takes ends 480 there.
          assert.deepEqual(outcomes.slice(0, 100), Array(100).fill(480));
          assert.equal(outcomes[100], 503);
          const dave = await call(other, DAVE, FRANK);
          assert.equal(status(dave), 480, "another user still calls");
        },
      );
    } finally {
      for (const phone of phones) phone.close();
      await stack.stop();
    }
  },
});
