/**
 * Password guessing from many addresses, and who is exempt (issue 13, items 18 and 20), on the
 * stack's real Kamailio: 80 wrong passwords for one user from 20 addresses (4 each, under the
 * per-source ban) lock that account against every source that has not proved its password, while
 * the owner's own phone keeps registering; both counts reach Kamailio's statistics. And with
 * TRUSTED_SOURCES empty, Kamailio's own address is banned like any other.
 * Run with `deno test -A pbx/kamailio/brute-force.test.ts`.
 */
import assert from "node:assert/strict";
import { kamailioRpc, type Stack, startStack } from "../../tools/stack/stack.ts";
import { putSubscriber } from "../testing/kit.ts";
import { UdpSipClient } from "../testing/udp-sip.ts";

const DOMAIN = "careflow.test";
const ANN = "care4w-1700001";
const PASSWORD = "ann-guessed-at";

/** One REGISTER for ANN from `address`, answered with `password`; the final status. */
async function registerFrom(stack: Stack, address: string, password: string) {
  const phone = await UdpSipClient.open(stack.ports.sip, address);
  try {
    const { reply } = await phone.authed(
      {
        method: "REGISTER",
        uri: `sip:${DOMAIN}`,
        from: `<sip:${ANN}@${DOMAIN}>;tag=${crypto.randomUUID().slice(0, 8)}`,
        to: `<sip:${ANN}@${DOMAIN}>`,
        callId: crypto.randomUUID(),
        cseq: 1,
        extra: ["Expires: 60"],
      },
      { username: ANN, password },
      1500,
    );
    return reply?.status ?? "no reply";
  } finally {
    phone.close();
  }
}

/** Kamailio's script counters (auth.cfg), by name. */
async function counters(stack: Stack): Promise<Record<string, number>> {
  const lines = await kamailioRpc(stack.rpc, "stats.get_statistics", ["script:"]) as string[];
  return Object.fromEntries(
    lines.map((line) => /^script:(\w+) = (\d+)$/.exec(line)).filter((m) => m !== null)
      .map((m) => [m![1], Number(m![2])]),
  );
}

Deno.test({
  name: "many sources guessing one password lock the account for strangers, not for its owner",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN, skip: { rtpengine: true } });
    try {
      assert.equal(await putSubscriber(stack, ANN, PASSWORD), 200);
      assert.equal(await registerFrom(stack, "127.0.3.1", PASSWORD), 200, "Ann's own phone");

      for (let source = 1; source <= 20; source++) {
        for (let guess = 0; guess < 4; guess++) {
          await registerFrom(stack, `127.0.4.${source}`, `wrong-${guess}`);
        }
      }
      assert.equal(
        await registerFrom(stack, "127.0.5.1", PASSWORD),
        401,
        "a stranger with the right password is refused while the account is locked",
      );
      assert.equal(
        await registerFrom(stack, "127.0.3.1", PASSWORD),
        200,
        "Ann's phone still gets in",
      );

      const counted = await counters(stack);
      // The first 20 guesses were checked and counted; once locked, none is even checked.
      assert.equal(counted.auth_failures_user, 20, JSON.stringify(counted));
      assert.equal(counted.auth_failures_source, 20, JSON.stringify(counted));
      assert.equal(counted.locks_user, 1, JSON.stringify(counted));
      assert.equal(counted.bans_source, 0, "each source stayed under its own limit");
    } finally {
      await stack.stop();
    }
  },
});

Deno.test({
  name: "with TRUSTED_SOURCES empty, Kamailio's own address is banned after failed guesses",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({
      sipDomain: DOMAIN,
      skip: { rtpengine: true },
      kamailioDefines: ['TRUSTED_SOURCES=""'],
    });
    try {
      assert.equal(await putSubscriber(stack, ANN, PASSWORD), 200);
      for (let guess = 0; guess < 5; guess++) {
        assert.equal(await registerFrom(stack, "127.0.0.1", `wrong-${guess}`), 401);
      }
      assert.equal(
        await registerFrom(stack, "127.0.0.1", PASSWORD),
        "no reply",
        "127.0.0.1 (Kamailio's SIP_IP) is banned like any source",
      );
    } finally {
      await stack.stop();
    }
  },
});
