/**
 * WITH_TLS on real processes: Kamailio (started by tools/stack with WITH_TLS and a throw-away
 * certificate for 127.0.0.1) + the real agent + redis-server, on loopback. SIP over TLS and SIP
 * over secure WebSocket (WSS) register through digest authentication, with the client verifying
 * Kamailio's certificate against the test CA (no verification is switched off anywhere).
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { freePorts } from "../../testing/ports.ts";
import { kamailioRpc, type Stack, startStack } from "../../tools/stack/stack.ts";
import { ephemeralFor, putSubscriber, registeredAors } from "../testing/kit.ts";
import { kamailioTlsConfig, type TestPki } from "../testing/pki.ts";
import { TlsSip } from "../testing/tls-sip.ts";
import { digestAnswer, header, type SipMessage, WsSipClient } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const PHONE = "care4w-1000401";
const BROWSER = "care4w-1000402";

/** Rejection message of `promise`, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>, what: string): Promise<string> {
  try {
    const value = await promise;
    // Close whatever opened so the failure below is the only effect.
    (value as { close?: () => void } | null)?.close?.();
  } catch (error) {
    return String(error);
  }
  throw new Error(`${what} succeeded without trusting the test CA`);
}

/** The stack WITH_TLS, its TLS and WSS ports (free ones) and the PKI it serves. */
interface TlsEdge {
  stack: Stack;
  pki: TestPki;
  tlsPort: number;
  wssPort: number;
  /** Connections a step opened, closed at the end. */
  opened: { close(): void }[];
  /** Behind the TCP front (HAProxy): Kamailio's own TLS listeners sit on other ports. */
  fronted: boolean;
}

/** Makes the PKI in `pkiDir` and starts the stack WITH_TLS on free TLS and WSS ports. */
async function startTlsEdge(pkiDir: string, fronted: boolean): Promise<TlsEdge> {
  const pki = await kamailioTlsConfig(pkiDir);
  const { tls: tlsPort, wss: wssPort } = await freePorts("tls", "wss");
  const stack = await startStack({
    sipDomain: DOMAIN,
    // Registration only: RTPEngine is not started and never asked.
    skip: { rtpengine: true },
    kamailioDefines: [
      "WITH_TLS",
      `TLS_CONFIG="${pki.config}"`,
      `TLS_PORT=${tlsPort}`,
      `WSS_PORT=${wssPort}`,
    ],
    ...(fronted ? { tcpFront: { tls: { tlsPort, wssPort } } } : {}),
  });
  return { stack, pki, tlsPort, wssPort, opened: [], fronted };
}

/** Not trusting the test CA fails on the certificate (not on a closed port); trusting it works. */
async function certificateStep(t: Deno.TestContext, { pki, tlsPort, wssPort }: TlsEdge) {
  await t.step("the TLS and WSS ports serve the test certificate, verified", async () => {
    const plain = await rejection(
      Deno.connectTls({ hostname: "127.0.0.1", port: tlsPort }).then(async (conn) => {
        try {
          await conn.handshake();
        } finally {
          conn.close();
        }
      }),
      "TLS",
    );
    assert.match(plain, /UnknownIssuer|certificate/i, plain);
    const ws = await rejection(
      WsSipClient.connect(`wss://127.0.0.1:${wssPort}`, BROWSER, DOMAIN, "x", "x"),
      "WSS",
    );
    assert.match(ws, /UnknownIssuer|certificate/i, ws);
    // Trusting it, the handshake completes (hostname 127.0.0.1 matched by the IP SAN).
    const sip = await TlsSip.connect(tlsPort, pki.caPem, DOMAIN);
    sip.close();
  });
}

/** A phone over SIP/TLS: the digest challenge, a wrong password, the right one. */
async function tlsRegisterStep(t: Deno.TestContext, edge: TlsEdge) {
  const { stack, pki, tlsPort } = edge;
  await t.step("SIP over TLS: challenged, wrong password refused, right one 200", async () => {
    const sip = await TlsSip.connect(tlsPort, pki.caPem, DOMAIN);
    edge.opened.push(sip);
    const uri = `sip:${DOMAIN}`;
    const answer = (challenge: SipMessage, password: string) =>
      digestAnswer(header(challenge, "WWW-Authenticate")!, {
        username: PHONE,
        password,
        method: "REGISTER",
        uri,
      });

    const wrongCall = crypto.randomUUID();
    const first = await sip.register(PHONE, wrongCall);
    assert.equal(first.status, 401, first.raw);
    assert.match(header(first, "WWW-Authenticate") ?? "", /realm="careflow\.test"/);
    const wrong = await sip.register(PHONE, wrongCall, answer(first, "not-the-password"));
    assert.notEqual(wrong.status, 200, wrong.raw);
    assert.equal(wrong.status, 401, wrong.raw);
    assert.ok(!(await registeredAors(stack.rpc)).includes(PHONE));

    const rightCall = crypto.randomUUID();
    const challenge = await sip.register(PHONE, rightCall);
    assert.equal(challenge.status, 401, challenge.raw);
    const ok = await sip.register(PHONE, rightCall, answer(challenge, "phone-pw-1"));
    assert.equal(ok.status, 200, ok.raw);
    // The binding points at the TLS connection the REGISTER came in on.
    await assertBoundTo(edge, PHONE, tlsPort);
  });
}

/** The user's location entry names the TLS listener on `port` (behind the front: its own). */
async function assertBoundTo(edge: TlsEdge, aor: string, port: number) {
  const contact = JSON.stringify(await kamailioRpc(edge.stack.rpc, "ul.lookup", ["location", aor]));
  const listener = edge.fronted ? String.raw`\d+` : String(port);
  assert.match(contact, new RegExp(`tls:127\\.0\\.0\\.1:${listener}\\b`), contact);
}

/** A browser-like client over WSS with ephemeral credentials. */
async function wssRegisterStep(t: Deno.TestContext, edge: TlsEdge) {
  const { stack, pki, wssPort } = edge;
  await t.step("WSS: a browser-like client registers with ephemeral credentials", async () => {
    // Deno 2.9's WebSocket accepts `client: Deno.createHttpClient({ caCerts })` in its
    // options, so the test CA is trusted in-process by Deno's own WebSocket: no subprocess
    // with DENO_CERT and no hand-written WebSocket framing. Verification stays on (the
    // first step shows the same URL fails without the CA).
    const cred = ephemeralFor(stack, BROWSER);
    const ws = await WsSipClient.connect(
      `wss://127.0.0.1:${wssPort}`,
      BROWSER,
      DOMAIN,
      cred.username,
      cred.password,
      { caCerts: [pki.caPem] },
    );
    edge.opened.push(ws);
    const reply = await ws.register("wss1");
    assert.equal(reply.status, 200, reply.raw);
    await assertBoundTo(edge, BROWSER, wssPort);
  });
}

for (const fronted of [false, true]) {
  Deno.test({
    name: `WITH_TLS${fronted ? " behind the TCP front" : ""}: SIP over TLS and WSS register with ` +
      "digest auth against a verified certificate",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const pkiDir = await Deno.makeTempDir({ prefix: "careflow-tls-pki-" });
      let edge: TlsEdge | undefined;
      try {
        edge = await startTlsEdge(pkiDir, fronted);
        assert.equal(await putSubscriber(edge.stack, PHONE, "phone-pw-1"), 200);
        assert.equal(await putSubscriber(edge.stack, BROWSER, null), 200);
        await certificateStep(t, edge);
        await tlsRegisterStep(t, edge);
        await wssRegisterStep(t, edge);
      } finally {
        for (const c of edge?.opened ?? []) c.close();
        await edge?.stack.stop();
        await Deno.remove(pkiDir, { recursive: true });
      }
    },
  });
}
