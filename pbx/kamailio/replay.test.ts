/**
 * Digest replay (issue 13, item 12) on the stack's real Kamailio, over UDP as an attacker on the
 * path would send it: a captured Authorization / Proxy-Authorization is good for the one request
 * it answered (and that request's retransmissions), never for a new REGISTER or a new call, and
 * never for a Request-URI other than the one it was computed for. A client that caches the nonce
 * and counts up (qop=auth, nc) still goes through without a new challenge.
 * Run with `deno test -A pbx/kamailio/replay.test.ts`.
 */
import assert from "node:assert/strict";
import { startStack } from "../../tools/stack/stack.ts";
import { putSubscriber } from "../testing/kit.ts";
import { type UdpRequest, UdpSipClient } from "../testing/udp-sip.ts";
import { digestAnswer, header, type SipMessage } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const ALICE = "care4w-1300001";
const BOB = "care4w-1300002";
const CAROL = "care4w-1300003";
const PASSWORD = "alice-replay-pw";

const tag = () => crypto.randomUUID().slice(0, 8);
const status = (m: SipMessage | null) => m?.status ?? "no reply";

function challengeOf(reply: SipMessage | null): string {
  const value = reply && (header(reply, "WWW-Authenticate") ?? header(reply, "Proxy-Authenticate"));
  assert.ok(value, `a digest challenge, got ${reply?.raw ?? "no reply"}`);
  return value;
}

Deno.test({
  name: "a captured digest answer places no second registration or call; nc counting still works",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({ sipDomain: DOMAIN, skip: { rtpengine: true } });
    const client = await UdpSipClient.open(stack.ports.sip);
    try {
      for (const user of [ALICE, BOB, CAROL]) {
        assert.equal(await putSubscriber(stack, user, `${user}-pw`), 200);
      }
      assert.equal(await putSubscriber(stack, ALICE, PASSWORD), 200);
      const from = `<sip:${ALICE}@${DOMAIN}>;tag=${tag()}`;

      await t.step("REGISTER: a retransmission is answered, a replay is challenged", async () => {
        const register = (callId: string, cseq: number, extra: string[] = []): UdpRequest => ({
          method: "REGISTER",
          uri: `sip:${DOMAIN}`,
          from,
          to: `<sip:${ALICE}@${DOMAIN}>`,
          callId,
          cseq,
          extra: ["Expires: 60", ...extra],
        });
        const callId = crypto.randomUUID();
        const challenge = challengeOf(await client.ask(register(callId, 1)));
        assert.match(challenge, /qop="?auth/, "the challenge asks for qop=auth");
        const answer = (nc: number) =>
          `Authorization: ${
            digestAnswer(challenge, {
              username: ALICE,
              password: PASSWORD,
              method: "REGISTER",
              uri: `sip:${DOMAIN}`,
              nc,
            })
          }`;
        const captured = answer(1);
        const authed = client.build(register(callId, 2, [captured]));
        client.send(authed);
        assert.equal(status(await client.final(callId, 2)), 200);

        client.send(authed);
        assert.equal(status(await client.final(callId, 2)), 200, "the retransmission gets its 200");

        const replayId = crypto.randomUUID();
        const replay = await client.ask(register(replayId, 1, [captured]));
        assert.equal(status(replay), 401, "the same answer on a new REGISTER is challenged");

        const cached = await client.ask(register(callId, 3, [answer(2)]));
        assert.equal(status(cached), 200, "the nonce reused with nc=2 by its owner still works");
        const stale = await client.ask(register(callId, 4, [answer(2)]));
        assert.equal(status(stale), 401, "nc=2 a second time is a replay");
      });

      await t.step("INVITE: one captured Proxy-Authorization places exactly one call", async () => {
        const invite = (callee: string, extra: string[] = []): UdpRequest => ({
          method: "INVITE",
          uri: `sip:${callee}@${DOMAIN}`,
          from: `<sip:${ALICE}@${DOMAIN}>;tag=${tag()}`,
          to: `<sip:${callee}@${DOMAIN}>`,
          callId: crypto.randomUUID(),
          cseq: 1,
          extra,
        });
        const first = invite(BOB);
        const refused = await client.ask(first);
        assert.equal(status(refused), 407);
        client.ackFailure(first, refused!);
        const captured = `Proxy-Authorization: ${
          digestAnswer(challengeOf(refused), {
            username: ALICE,
            password: PASSWORD,
            method: "INVITE",
            uri: `sip:${BOB}@${DOMAIN}`,
          })
        }`;
        const authed = { ...first, cseq: 2, extra: [captured] };
        const placed = await client.ask(authed);
        assert.ok(placed && placed.status !== 407, `the call got past auth: ${status(placed)}`);
        client.ackFailure(authed, placed!);

        for (const callee of [BOB, BOB, BOB, CAROL]) {
          const replayed = invite(callee, [captured]);
          const reply = await client.ask(replayed);
          assert.equal(status(reply), 407, `a replayed answer calling ${callee} is challenged`);
          client.ackFailure(replayed, reply!);
        }
      });

      await t.step(
        "INVITE: a digest computed for one Request-URI does not call another",
        async () => {
          const toCarol: UdpRequest = {
            method: "INVITE",
            uri: `sip:${CAROL}@${DOMAIN}`,
            from: `<sip:${ALICE}@${DOMAIN}>;tag=${tag()}`,
            to: `<sip:${CAROL}@${DOMAIN}>`,
            callId: crypto.randomUUID(),
            cseq: 1,
          };
          const refused = await client.ask(toCarol);
          client.ackFailure(toCarol, refused!);
          const forBob = digestAnswer(challengeOf(refused), {
            username: ALICE,
            password: PASSWORD,
            method: "INVITE",
            uri: `sip:${BOB}@${DOMAIN}`,
          });
          const retargeted = { ...toCarol, cseq: 2, extra: [`Proxy-Authorization: ${forBob}`] };
          const reply = await client.ask(retargeted);
          assert.ok(reply && [403, 407].includes(reply.status), `refused: ${status(reply)}`);
          client.ackFailure(retargeted, reply!);
        },
      );
    } finally {
      client.close();
      await stack.stop();
    }
  },
});
