/**
 * Oversized SIP (issue 13, item 19) on the stack's real Kamailio: a request with a 20 KB header is
 * refused with a small 513, one with 300 Vias is dropped unanswered (its reply would echo them
 * all), and an ordinary OPTIONS is still answered.
 * Run with `deno test -A pbx/kamailio/oversized.test.ts`.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { startStack } from "../../tools/stack/stack.ts";

const DOMAIN = "careflow.test";

/** Sends `message` over UDP; resolves with the first reply's text, or null after `waitMs`. */
function ask(port: number, message: string, waitMs = 1500): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const done = (answer: string | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), waitMs);
    socket.on("message", (reply) => done(reply.toString()));
    socket.bind(0, "127.0.0.1", () => {
      socket.send(message, port, "127.0.0.1");
    });
  });
}

function options(extra: { vias?: number; header?: string } = {}) {
  const branch = () => `z9hG4bK${crypto.randomUUID().slice(0, 12)}`;
  const vias = Array.from(
    { length: extra.vias ?? 1 },
    (_, n) => `Via: SIP/2.0/UDP 127.0.0.1:${5900 + (n % 50)};branch=${branch()};rport`,
  );
  return [
    `OPTIONS sip:${DOMAIN} SIP/2.0`,
    ...vias,
    "Max-Forwards: 70",
    `From: <sip:probe@${DOMAIN}>;tag=${crypto.randomUUID().slice(0, 8)}`,
    `To: <sip:${DOMAIN}>`,
    `Call-ID: ${crypto.randomUUID()}`,
    "CSeq: 1 OPTIONS",
    ...(extra.header ? [`X-Padding: ${extra.header}`] : []),
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

Deno.test({
  name: "a huge header gets a small 513, hundreds of Vias get nothing, OPTIONS still answered",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN, skip: { rtpengine: true } });
    try {
      const port = stack.ports.sip;
      const normal = await ask(port, options());
      assert.ok(normal && /^SIP\/2\.0 [1-6]\d\d /.test(normal), `OPTIONS: ${normal}`);

      const big = await ask(port, options({ header: "x".repeat(20_000) }));
      assert.ok(big, "a reply to the oversized request");
      assert.match(big!, /^SIP\/2\.0 513 /);
      assert.ok(big!.length < 1500, `the refusal is small (${big!.length} bytes)`);

      const manyVias = options({ vias: 300 });
      assert.ok(manyVias.length < 30_000);
      assert.equal(await ask(port, manyVias), null, "dropped: no reply echoes 300 Vias");

      const after = await ask(port, options());
      assert.ok(after && /^SIP\/2\.0 [1-6]\d\d /.test(after), "Kamailio still answers");
    } finally {
      await stack.stop();
    }
  },
});
