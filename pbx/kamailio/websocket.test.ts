/**
 * WebSocket clients (as sip.js in a browser would be) on real kamailio + agent + redis +
 * rtpengine: registration with ephemeral credentials, and calls in both directions with a baresip
 * SIP phone, checking that RTPEngine turns the WebRTC SDP (ICE, DTLS-SRTP, rtcp-mux) into plain
 * RTP for the phone and back, and that in-dialog requests find the WebSocket connection again.
 */
import assert from "node:assert/strict";
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { writeTone } from "../testing/audio.ts";
import { type Baresip, startBaresip } from "../testing/baresip.ts";
import { ha1, provision, registeredAors, rpc } from "../testing/kit.ts";
import { header, headers, type SipMessage, webrtcSdp, WsSipClient } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const BROWSER = "care4w-1000021";
const PHONE = "care4w-1000022";

/** Record-Route values one by one (a header line may carry several). */
function routeSet(msg: SipMessage): string[] {
  return headers(msg, "Record-Route").flatMap((v) => v.split(/,\s*(?=<)/));
}

function uriOf(nameAddr: string): string {
  return /<([^>]+)>/.exec(nameAddr)?.[1] ?? nameAddr;
}

function tagOf(nameAddr: string): string | undefined {
  return /;tag=([^;>\s]+)/.exec(nameAddr)?.[1];
}

function assertWebrtcSdp(sdp: string, who: string) {
  assert.match(sdp, /m=audio \d+ UDP\/TLS\/RTP\/SAVPF /, `${who}: not DTLS-SRTP:\n${sdp}`);
  assert.match(sdp, /a=fingerprint:sha-256 /, `${who}: no DTLS fingerprint`);
  assert.match(sdp, /a=ice-ufrag:/, `${who}: no ICE credentials`);
  assert.match(sdp, /a=candidate:.* 127\.0\.0\.1 \d+ typ host/, `${who}: no RTPEngine candidate`);
  assert.match(sdp, /a=rtcp-mux/, `${who}: no rtcp-mux`);
}

async function waitUntil(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test({
  name: "WebSocket client: registers, calls a SIP phone and is called by it through RTPEngine",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({
      ports: {
        sip: 15068,
        ws: 18082,
        rpc: 15172,
        redis: 6402,
        agent: 7202,
        rtpengineNg: 22225,
        rtpMin: 31050,
        rtpMax: 31099,
      },
      sipDomain: DOMAIN,
    });
    let client: WsSipClient | null = null;
    let phone: Baresip | null = null;
    try {
      const secret = stack.internalApiSecret;
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", BROWSER, { ha1: null, active: true }),
        200,
      );
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", PHONE, {
          ha1: ha1(PHONE, DOMAIN, "phone-pw"),
          active: true,
        }),
        200,
      );
      const cred = ephemeralSipCredentials(
        stack.sipCredentialSecret,
        BROWSER,
        600,
        Date.now() / 1000,
      );
      const ws = client = await WsSipClient.connect(
        stack.urls.ws,
        BROWSER,
        DOMAIN,
        cred.username,
        cred.password,
      );

      await t.step("registers over WebSocket with ephemeral credentials", async () => {
        const reply = await ws.authed({
          method: "REGISTER",
          uri: `sip:${DOMAIN}`,
          to: `<sip:${BROWSER}@${DOMAIN}>`,
          callId: crypto.randomUUID(),
          fromTag: "reg1",
          extra: ["Expires: 600"],
        });
        assert.equal(reply.status, 200, reply.raw);
        // The registrar remembers the WebSocket connection, not the .invalid Contact.
        const dump = JSON.stringify(await rpc(stack.urls.rpc, "ul.lookup", ["location", BROWSER]));
        assert.match(dump, /transport=ws/, dump);
      });

      await writeTone(`${stack.workDir}/phone.wav`, 700, 30);
      await t.step("a SIP phone calls the WebSocket user: WebRTC SDP reaches it", async () => {
        phone = await startBaresip({
          dir: `${stack.workDir}/phone`,
          user: PHONE,
          domain: DOMAIN,
          authUser: PHONE,
          password: "phone-pw",
          proxy: `127.0.0.1:${stack.ports.sip}`,
          sipPort: 15086,
          rtpPorts: "16060-16099",
          toneWav: `${stack.workDir}/phone.wav`,
          autoAnswer: true,
          quitAfter: 60,
          commands: [`/dial sip:${BROWSER}@${DOMAIN}`],
        });
        const invite = await ws.next((m) => m.method === "INVITE" && m.status === 0, 10_000);
        assertWebrtcSdp(invite.body, "offer to the browser");
        assert.equal(header(invite, "P-Asserted-Identity"), `<sip:${PHONE}@${DOMAIN}>`);
        const toTag = "ws" + crypto.randomUUID().slice(0, 8);
        ws.respond(invite, 180, "Ringing", { toTag });
        ws.respond(invite, 200, "OK", { toTag, body: webrtcSdp("active") });
        const ack = await ws.next((m) => m.method === "ACK" && m.status === 0);
        assert.equal(header(ack, "Call-ID"), header(invite, "Call-ID"));

        // The browser hangs up: BYE along the route set back to the phone.
        const routes = routeSet(invite);
        const bye = ws.request({
          method: "BYE",
          uri: uriOf(header(invite, "Contact")!),
          to: header(invite, "From")!,
          callId: header(invite, "Call-ID")!,
          fromTag: toTag,
          cseq: 1,
          extra: routes.map((r) => `Route: ${r}`),
        });
        ws.send(bye.text);
        const done = await ws.final(header(invite, "Call-ID")!, 1);
        assert.equal(done.status, 200, done.raw);
      });

      await t.step("the WebSocket user calls the SIP phone: the phone gets plain RTP", async () => {
        await waitUntil(
          "the phone's registration",
          async () => (await registeredAors(stack.urls.rpc)).includes(PHONE),
        );
        const callId = crypto.randomUUID();
        const invite = {
          method: "INVITE",
          uri: `sip:${PHONE}@${DOMAIN}`,
          to: `<sip:${PHONE}@${DOMAIN}>`,
          callId,
          fromTag: "inv1",
          body: webrtcSdp("actpass"),
        };
        const ok = await ws.authed(invite);
        // baresip here has no SRTP/ICE/DTLS modules: a 200 means it was offered plain RTP.
        assert.equal(ok.status, 200, ok.raw);
        assertWebrtcSdp(ok.body, "answer to the browser");
        const cseq = Number((header(ok, "CSeq") ?? "").split(" ")[0]);
        const routes = routeSet(ok).reverse();
        const target = uriOf(header(ok, "Contact")!);
        const toTag = tagOf(header(ok, "To")!);
        const inDialog = (method: string, n: number) =>
          ws.request({
            method,
            uri: target,
            to: invite.to,
            toTag,
            callId,
            fromTag: invite.fromTag,
            cseq: n,
            extra: routes.map((r) => `Route: ${r}`),
          });
        ws.send(inDialog("ACK", cseq).text);
        await new Promise((r) => setTimeout(r, 500));
        ws.send(inDialog("BYE", cseq + 1).text);
        const done = await ws.final(callId, cseq + 1);
        assert.equal(done.status, 200, done.raw);
        const log = await Deno.readTextFile(phone!.logFile);
        assert.match(log, new RegExp(`Call established: sip:${BROWSER}@`), log.slice(0, 3000));
      });
    } finally {
      client?.close();
      await (phone as Baresip | null)?.stop();
      await stack.stop();
    }
  },
});
