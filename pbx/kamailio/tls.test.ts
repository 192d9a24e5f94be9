/**
 * WITH_TLS on real processes: Kamailio (started by tools/stack with WITH_TLS and a throw-away
 * certificate for 127.0.0.1) + the real agent + redis-server, on loopback. SIP over TLS and SIP
 * over secure WebSocket (WSS) register through digest authentication, with the client verifying
 * Kamailio's certificate against the test CA (no verification is switched off anywhere).
 * Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ephemeralSipCredentials } from "../../shared/sip-credentials.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { ha1, provision, registeredAors, rpc } from "../testing/kit.ts";
import { digestAnswer, header, parseSip, type SipMessage, WsSipClient } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const PHONE = "care4w-1000401";
const BROWSER = "care4w-1000402";
const TLS_PORT = 15401;
const WSS_PORT = 18401;

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command("/usr/bin/openssl", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `openssl ${args[0]} failed:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/**
 * A CA and a server certificate for 127.0.0.1 signed by it (IP subjectAltName: clients match the
 * address, not the CN). Returns the CA in PEM and the server's file paths.
 */
async function makeTestPki(dir: string): Promise<{ caPem: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-subj",
    "/CN=CareFlow throw-away test CA",
    "-keyout",
    `${dir}/ca.key`,
    "-out",
    `${dir}/ca.pem`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-subj",
    "/CN=127.0.0.1",
    "-CA",
    `${dir}/ca.pem`,
    "-CAkey",
    `${dir}/ca.key`,
    "-keyout",
    `${dir}/server.key`,
    "-out",
    `${dir}/server.pem`,
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-addext",
    "basicConstraints=critical,CA:FALSE",
    "-addext",
    "keyUsage=critical,digitalSignature",
    "-addext",
    "extendedKeyUsage=serverAuth",
  ]);
  return {
    caPem: await Deno.readTextFile(`${dir}/ca.pem`),
    cert: `${dir}/server.pem`,
    key: `${dir}/server.key`,
  };
}

const CRLFCRLF = [13, 10, 13, 10];

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** SIP over one TLS connection (RFC 3261 stream framing: headers, then Content-Length bytes). */
class TlsSip {
  #buffer = new Uint8Array(0);
  #cseq = 1;

  private constructor(readonly conn: Deno.TlsConn, readonly localPort: number) {}

  static async connect(port: number, caPem: string): Promise<TlsSip> {
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [caPem] });
    try {
      await conn.handshake();
    } catch (error) {
      conn.close();
      throw error;
    }
    return new TlsSip(conn, (conn.localAddr as Deno.NetAddr).port);
  }

  async send(text: string): Promise<void> {
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += await this.conn.write(bytes.subarray(written));
    }
  }

  /** The next complete message, or an error after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      // Skip keep-alive CRLFs between messages.
      let start = 0;
      while (
        start < this.#buffer.length && (this.#buffer[start] === 13 || this.#buffer[start] === 10)
      ) start++;
      this.#buffer = this.#buffer.subarray(start);
      const end = indexOfBytes(this.#buffer, CRLFCRLF);
      if (end >= 0) {
        const head = new TextDecoder().decode(this.#buffer.subarray(0, end));
        const length = Number(/^(?:Content-Length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? "0");
        const total = end + 4 + length;
        if (this.#buffer.length >= total) {
          const raw = new TextDecoder().decode(this.#buffer.subarray(0, total));
          this.#buffer = this.#buffer.subarray(total);
          return parseSip(raw);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete SIP message over TLS in ${timeoutMs} ms`);
      const chunk = new Uint8Array(16384);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.conn.read(chunk),
        new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), left)),
      ]).finally(() => clearTimeout(timer));
      if (n === "timeout") throw new Error(`no complete SIP message over TLS in ${timeoutMs} ms`);
      if (n === null) throw new Error("Kamailio closed the TLS connection");
      const joined = new Uint8Array(this.#buffer.length + n);
      joined.set(this.#buffer);
      joined.set(chunk.subarray(0, n), this.#buffer.length);
      this.#buffer = joined;
    }
  }

  /** Sends a REGISTER for `user` and returns the final response (provisional ones skipped). */
  async register(user: string, callId: string, authorization?: string): Promise<SipMessage> {
    const cseq = this.#cseq++;
    const lines = [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/TLS 127.0.0.1:${this.localPort};branch=z9hG4bK${
        randomBytes(8).toString("hex")
      };rport`,
      "Max-Forwards: 70",
      `From: <sip:${user}@${DOMAIN}>;tag=tls${cseq}`,
      `To: <sip:${user}@${DOMAIN}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@127.0.0.1:${this.localPort};transport=tls>`,
      "Expires: 600",
      "User-Agent: careflow-tls-test",
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      "Content-Length: 0",
      "",
      "",
    ];
    await this.send(lines.join("\r\n"));
    while (true) {
      const reply = await this.next();
      if (header(reply, "Call-ID") !== callId || !header(reply, "CSeq")?.startsWith(`${cseq} `)) {
        continue;
      }
      if (reply.status >= 200) return reply;
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

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

Deno.test({
  name: "WITH_TLS: SIP over TLS and WSS register with digest auth against a verified certificate",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const pkiDir = await Deno.makeTempDir({ prefix: "careflow-tls-pki-" });
    const pki = await makeTestPki(pkiDir);
    const tlsCfg = `${pkiDir}/tls.cfg`;
    await Deno.writeTextFile(
      tlsCfg,
      [
        "[server:default]",
        "method = TLSv1.2+",
        "verify_certificate = no",
        "require_certificate = no",
        `private_key = ${pki.key}`,
        `certificate = ${pki.cert}`,
        "",
      ].join("\n"),
    );
    const stack = await startStack({
      ports: {
        sip: 15400,
        ws: 18400,
        rpc: 15480,
        redis: 6450,
        agent: 7420,
        // Registration only: RTPEngine is not started and never asked.
        rtpengineNg: 22272,
        rtpMin: 31700,
        rtpMax: 31719,
      },
      sipDomain: DOMAIN,
      skip: { rtpengine: true },
      kamailioDefines: [
        "WITH_TLS",
        `TLS_CONFIG="${tlsCfg}"`,
        `TLS_PORT=${TLS_PORT}`,
        `WSS_PORT=${WSS_PORT}`,
      ],
    }).catch(async (error) => {
      await Deno.remove(pkiDir, { recursive: true });
      throw error;
    });
    const opened: { close(): void }[] = [];
    try {
      const secret = stack.internalApiSecret;
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", PHONE, {
          ha1: ha1(PHONE, DOMAIN, "phone-pw-1"),
          active: true,
        }),
        200,
      );
      assert.equal(
        await provision(stack.urls.agent, secret, "PUT", BROWSER, { ha1: null, active: true }),
        200,
      );

      await t.step("the TLS and WSS ports serve the test certificate, verified", async () => {
        // Not trusting the test CA must fail on the certificate (not on a closed port).
        const plain = await rejection(
          Deno.connectTls({ hostname: "127.0.0.1", port: TLS_PORT }).then(async (conn) => {
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
          WsSipClient.connect(`wss://127.0.0.1:${WSS_PORT}`, BROWSER, DOMAIN, "x", "x"),
          "WSS",
        );
        assert.match(ws, /UnknownIssuer|certificate/i, ws);
        // Trusting it, the handshake completes (hostname 127.0.0.1 matched by the IP SAN).
        const sip = await TlsSip.connect(TLS_PORT, pki.caPem);
        sip.close();
      });

      await t.step("SIP over TLS: challenged, wrong password refused, right one 200", async () => {
        const sip = await TlsSip.connect(TLS_PORT, pki.caPem);
        opened.push(sip);
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
        assert.ok(!(await registeredAors(stack.urls.rpc)).includes(PHONE));

        const rightCall = crypto.randomUUID();
        const challenge = await sip.register(PHONE, rightCall);
        assert.equal(challenge.status, 401, challenge.raw);
        const ok = await sip.register(PHONE, rightCall, answer(challenge, "phone-pw-1"));
        assert.equal(ok.status, 200, ok.raw);
        // The binding points at the TLS connection the REGISTER came in on.
        const contact = JSON.stringify(await rpc(stack.urls.rpc, "ul.lookup", ["location", PHONE]));
        assert.match(contact, new RegExp(`tls:127\\.0\\.0\\.1:${TLS_PORT}`), contact);
      });

      await t.step("WSS: a browser-like client registers with ephemeral credentials", async () => {
        // Deno 2.9's WebSocket accepts `client: Deno.createHttpClient({ caCerts })` in its
        // options, so the test CA is trusted in-process by Deno's own WebSocket: no subprocess
        // with DENO_CERT and no hand-written WebSocket framing. Verification stays on (the
        // first step shows the same URL fails without the CA).
        const cred = ephemeralSipCredentials(
          stack.sipCredentialSecret,
          BROWSER,
          600,
          Date.now() / 1000,
        );
        const ws = await WsSipClient.connect(
          `wss://127.0.0.1:${WSS_PORT}`,
          BROWSER,
          DOMAIN,
          cred.username,
          cred.password,
          { caCerts: [pki.caPem] },
        );
        opened.push(ws);
        const reply = await ws.authed({
          method: "REGISTER",
          uri: `sip:${DOMAIN}`,
          to: `<sip:${BROWSER}@${DOMAIN}>`,
          callId: crypto.randomUUID(),
          fromTag: "wss1",
          extra: ["Expires: 600"],
        });
        assert.equal(reply.status, 200, reply.raw);
        const contact = JSON.stringify(
          await rpc(stack.urls.rpc, "ul.lookup", ["location", BROWSER]),
        );
        assert.match(contact, new RegExp(`tls:127\\.0\\.0\\.1:${WSS_PORT}`), contact);
      });
    } finally {
      for (const c of opened) c.close();
      await stack.stop();
      await Deno.remove(pkiDir, { recursive: true });
    }
  },
});
