/**
 * No media relay, no call (issue 13, item 13) on the stack's real Kamailio and RPTEngine: with
 * RTPEngine out of ports a call is refused with 503 before any device rings, and with RTPEngine
 * gone as well; the endpoints' own SDP never reaches the other side. The call that got ports
 * carries RTPEngine's address in both directions.
 * Run with `deno test -A pbx/kamailio/no-media.test.ts`.
 */
import assert from "node:assert/strict";
import { freeStackPorts, startStack } from "../../tools/stack/stack.ts";
import { putSubscriber } from "../testing/kit.ts";
import { plainSdp, type UdpRequest, UdpSipClient } from "../testing/udp-sip.ts";

const DOMAIN = "careflow.test";
const ALICE = "care4w-1500001";
const BOB = "care4w-1500002";
const pw = (user: string) => `${user}-media-pw`;
const tag = () => crypto.randomUUID().slice(0, 8);

/** The audio port an SDP names. */
const audioPort = (sdp: string) => Number(/^m=audio (\d+)/m.exec(sdp)?.[1]);

Deno.test({
  name: "a call RTPEngine has no ports for, or no RTPEngine at all, is refused with 503",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    // Three RTP/RTCP pairs (RTP on an even port): one call takes two, one per side, and leaves
    // too few for a second.
    const free = await freeStackPorts();
    const rtpMin = free.rtpMin + (free.rtpMin % 2);
    const ports = { ...free, rtpMin, rtpMax: rtpMin + 5 };
    const stack = await startStack({ sipDomain: DOMAIN, ports });
    const [alice, bob] = await Promise.all([0, 1].map(() => UdpSipClient.open(ports.sip)));
    const invite = (): UdpRequest => ({
      method: "INVITE",
      uri: `sip:${BOB}@${DOMAIN}`,
      from: `<sip:${ALICE}@${DOMAIN}>;tag=${tag()}`,
      to: `<sip:${BOB}@${DOMAIN}>`,
      callId: crypto.randomUUID(),
      cseq: 1,
      body: plainSdp(alice.port + 1),
    });
    const place = async () => {
      const { reply, sent } = await alice.authed(invite(), {
        username: ALICE,
        password: pw(ALICE),
      });
      if (reply && reply.status < 300) alice.ackAnswer(sent, reply);
      else if (reply) alice.ackFailure(sent, reply);
      return reply;
    };
    const rung = () => bob.answered.filter((m) => m.method === "INVITE");
    try {
      for (const user of [ALICE, BOB]) {
        assert.equal(await putSubscriber(stack, user, pw(user)), 200);
      }
      const { reply } = await bob.authed({
        method: "REGISTER",
        uri: `sip:${DOMAIN}`,
        from: `<sip:${BOB}@${DOMAIN}>;tag=${tag()}`,
        to: `<sip:${BOB}@${DOMAIN}>`,
        callId: crypto.randomUUID(),
        cseq: 1,
        extra: ["Expires: 600"],
      }, { username: BOB, password: pw(BOB) });
      assert.equal(reply?.status, 200);
      bob.answerCalls();

      await t.step("the call with ports is relayed both ways", async () => {
        const answer = await place();
        assert.equal(answer?.status, 200, answer?.raw ?? "no reply");
        const inRange = (port: number) => port >= ports.rtpMin && port <= ports.rtpMax;
        assert.ok(
          inRange(audioPort(answer!.body)),
          `Alice is sent RTPEngine's port: ${answer!.body}`,
        );
        assert.ok(inRange(audioPort(rung()[0].body)), `Bob is offered RTPEngine's port`);
      });

      await t.step("out of ports: 503, and Bob's phone never rings", async () => {
        const refused = await place();
        assert.equal(refused?.status, 503, refused?.raw ?? "no reply");
        assert.equal(rung().length, 1);
      });

      await t.step("RTPEngine gone: 503 as well", async () => {
        await stack.stopOne("rtpengine");
        const refused = await place();
        assert.equal(refused?.status, 503, refused?.raw ?? "no reply");
        assert.equal(rung().length, 1);
      });
    } finally {
      alice.close();
      bob.close();
      await stack.stop();
    }
  },
});
