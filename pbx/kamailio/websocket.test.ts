/**
 * WebSocket clients (as sip.js in a browser would be) on real kamailio + agent + redis +
 * rtpengine: registration with ephemeral credentials, and calls in both directions with a baresip
 * SIP phone, checking that RTPEngine turns the WebRTC SDP (ICE, DTLS-SRTP, rtcp-mux) into plain
 * RTP for the phone and back, and that in-dialog requests find the WebSocket connection again.
 */
import assert from "node:assert/strict";
import { DEFAULT_WAIT_MS, eventually, sleep } from "../../testing/eventually.ts";
import { freePort } from "../../testing/ports.ts";
import { kamailioRpc, type Stack, startStack } from "../../tools/stack/stack.ts";
import { writeTone } from "../testing/audio.ts";
import { type Baresip, startBaresip } from "../testing/baresip.ts";
import { ephemeralFor, putSubscriber, registeredAors } from "../testing/kit.ts";
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

/** The SIP phone: starts, registers and dials the WebSocket user at once. */
async function startPhone(stack: Stack): Promise<Baresip> {
  await writeTone(`${stack.workDir}/phone.wav`, 700, 30);
  return await startBaresip({
    dir: `${stack.workDir}/phone`,
    user: PHONE,
    domain: DOMAIN,
    authUser: PHONE,
    password: "phone-pw",
    proxy: `127.0.0.1:${stack.ports.sip}`,
    toneWav: `${stack.workDir}/phone.wav`,
    autoAnswer: true,
    quitAfter: 60,
    commands: [`/dial sip:${BROWSER}@${DOMAIN}`],
  });
}

/** The phone's call arrives over the WebSocket; the browser answers, then hangs up. */
async function answerThePhone(ws: WsSipClient) {
  const sdp = webrtcSdp("active", await freePort());
  // Waits through the phone's start-up and registration too.
  const invite = await ws.next((m) => m.method === "INVITE" && m.status === 0, DEFAULT_WAIT_MS);
  assertWebrtcSdp(invite.body, "offer to the browser");
  assert.equal(header(invite, "P-Asserted-Identity"), `<sip:${PHONE}@${DOMAIN}>`);
  const toTag = "ws" + crypto.randomUUID().slice(0, 8);
  ws.respond(invite, 180, "Ringing", { toTag });
  ws.respond(invite, 200, "OK", { toTag, body: sdp });
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
}

/** The browser calls the phone (WebRTC offer), then ACKs and hangs up in the dialog. */
async function callThePhone(ws: WsSipClient, phone: Baresip) {
  const callId = crypto.randomUUID();
  const invite = {
    method: "INVITE",
    uri: `sip:${PHONE}@${DOMAIN}`,
    to: `<sip:${PHONE}@${DOMAIN}>`,
    callId,
    fromTag: "inv1",
    body: webrtcSdp("actpass", await freePort()),
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
  await sleep(500);
  ws.send(inDialog("BYE", cseq + 1).text);
  const done = await ws.final(callId, cseq + 1);
  assert.equal(done.status, 200, done.raw);
  const log = await phone.log();
  assert.match(log, new RegExp(`Call established: sip:${BROWSER}@`), log.slice(0, 3000));
}

Deno.test({
  name: "WebSocket client: registers, calls a SIP phone and is called by it through RTPEngine",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const stack = await startStack({ sipDomain: DOMAIN });
    let client: WsSipClient | null = null;
    let phone: Baresip | null = null;
    try {
      assert.equal(await putSubscriber(stack, BROWSER, null), 200);
      assert.equal(await putSubscriber(stack, PHONE, "phone-pw"), 200);
      const cred = ephemeralFor(stack, BROWSER);
      const ws = client = await WsSipClient.connect(
        stack.urls.ws,
        BROWSER,
        DOMAIN,
        cred.username,
        cred.password,
      );

      await t.step("registers over WebSocket with ephemeral credentials", async () => {
        const reply = await ws.register("reg1");
        assert.equal(reply.status, 200, reply.raw);
        // The registrar remembers the WebSocket connection, not the .invalid Contact.
        const dump = JSON.stringify(
          await kamailioRpc(stack.rpc, "ul.lookup", ["location", BROWSER]),
        );
        assert.match(dump, /transport=ws/, dump);
      });

      await t.step("a SIP phone calls the WebSocket user: WebRTC SDP reaches it", async () => {
        phone = await startPhone(stack);
        await answerThePhone(ws);
      });

      await t.step("the WebSocket user calls the SIP phone: the phone gets plain RTP", async () => {
        await eventually(
          "the phone's registration",
          async () => (await registeredAors(stack.rpc)).includes(PHONE),
        );
        await callThePhone(ws, phone!);
      });
    } finally {
      client?.close();
      await (phone as Baresip | null)?.stop();
      await stack.stop();
    }
  },
});
