/**
 * Connection exhaustion (issue 13, item 14) on the stack's real HAProxy front and Kamailio: one
 * address opening 2,100 TCP connections that say nothing (the probe's, past Kamailio's 2048)
 * holds at most its per-source share, for at most the first-byte timeout; meanwhile browsers on
 * WebSocket from elsewhere still connect, register and reach each other through the front.
 * Run with `deno test -A pbx/kamailio/connections.test.ts`.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { startStack } from "../../tools/stack/stack.ts";
import { eventually } from "../../testing/eventually.ts";
import { ephemeralFor, putSubscriber } from "../testing/kit.ts";
import { header, WsSipClient } from "../testing/ws-sip.ts";

const DOMAIN = "careflow.test";
const ANN = "care4w-1800001";
const BOB = "care4w-1800002";
const FLOOD = 2_100;
const PER_SOURCE = 64;

/** Opens `count` silent TCP connections from `localAddress`; tracks which are still open. */
function flood(port: number, localAddress: string, count: number) {
  const open = new Set<net.Socket>();
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    socket.on("connect", () => open.add(socket));
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!open.delete(socket)) refused++;
    });
  }
  return {
    open: () => open.size,
    refused: () => refused,
    end: () => open.forEach((s) => s.destroy()),
  };
}

async function browser(url: string, stack: Parameters<typeof ephemeralFor>[0], user: string) {
  const cred = ephemeralFor(stack, user);
  const client = await WsSipClient.connect(url, user, DOMAIN, cred.username, cred.password);
  const reply = await client.register(crypto.randomUUID().slice(0, 8));
  assert.equal(reply.status, 200, reply.raw);
  return client;
}

Deno.test({
  name: "one address's 2,100 silent connections leave the WebSocket port to everyone else",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({
      sipDomain: DOMAIN,
      skip: { rtpengine: true },
      tcpFront: { connectionsPerSource: PER_SOURCE, firstByteTimeout: "3s" },
    });
    const clients: WsSipClient[] = [];
    const attack = flood(stack.ports.ws, "127.0.0.9", FLOOD);
    try {
      for (const user of [ANN, BOB]) assert.equal(await putSubscriber(stack, user, null), 200);
      await eventually(
        "the flood to be taken or refused",
        () => attack.open() + attack.refused() === FLOOD,
        { timeoutMs: 15_000 },
      );
      assert.ok(attack.open() <= PER_SOURCE, `${attack.open()} silent connections are held`);

      // While the flood's share is still held, browsers elsewhere connect and talk.
      const ann = await browser(stack.urls.ws, stack, ANN);
      const bob = await browser(stack.urls.ws, stack, BOB);
      clients.push(ann, bob);
      const callId = crypto.randomUUID();
      const message = ann.authed({
        method: "MESSAGE",
        uri: `sip:${BOB}@${DOMAIN}`,
        to: `<sip:${BOB}@${DOMAIN}>`,
        callId,
        fromTag: "m1",
        body: "are you free?",
        contentType: "text/plain",
      });
      const arrived = await bob.next((m) => m.method === "MESSAGE" && m.status === 0);
      assert.equal(arrived.body, "are you free?");
      assert.equal(header(arrived, "Call-ID"), callId);
      bob.respond(arrived, 200, "OK");
      assert.equal((await message).status, 200, "Ann's MESSAGE reached Bob through the front");

      await eventually("the silent connections to be closed", () => attack.open() === 0, {
        timeoutMs: 8_000,
      });
    } finally {
      attack.end();
      for (const client of clients) client.close();
      await stack.stop();
    }
  },
});
