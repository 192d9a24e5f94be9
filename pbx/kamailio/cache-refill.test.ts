/**
 * A Kamailio restart does not mean a cold HA1 cache (issue 13, the cold-cache target) on the
 * stack's real Kamailio, agent and Redis: the restarted Kamailio asks the agent, which fills the
 * cache with every long-lived HA1 before the phones' re-registration storm; the storm is then
 * served without a single agent lookup, and a rotated password still takes effect at once.
 * Run with `deno test -A pbx/kamailio/cache-refill.test.ts`.
 */
import assert from "node:assert/strict";
import { eventually } from "../../testing/eventually.ts";
import { kamailioRpc, startKamailio, startStack } from "../../tools/stack/stack.ts";
import { authLookups } from "../../bench/registration/agent-metrics.ts";
import { describe, putSubscriber, sipp } from "../testing/kit.ts";

const DOMAIN = "careflow.test";
const USERS = Array.from({ length: 200 }, (_, i) => `care4w-19${String(i).padStart(5, "0")}`);
const password = (id: string) => `${id}-refill-pw`;

Deno.test({
  name: "a restarted Kamailio gets its HA1 cache back from the agent: the storm asks nobody",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ sipDomain: DOMAIN, skip: { rtpengine: true } });
    let restarted: Awaited<ReturnType<typeof startKamailio>> | null = null;
    try {
      for (const id of USERS) assert.equal(await putSubscriber(stack, id, password(id)), 200);
      await stack.stopOne("kamailio");
      restarted = await startKamailio({
        agentSecret: stack.kamailioApiSecret,
        ports: stack.ports,
        sipDomain: DOMAIN,
        workDir: stack.workDir,
        name: "kamailio-restarted",
        defines: ['TRUSTED_SOURCES="127.0.0.1/32"'],
      });
      const cached = async () => {
        const dump = await kamailioRpc(restarted!.rpc, "htable.dump", ["authcache"]) as {
          entry: number;
          slot: { name: string }[];
        }[];
        return dump.reduce((sum, row) => sum + (row.slot?.length ?? 0), 0);
      };
      await eventually("the refilled cache", async () => (await cached()) === USERS.length, {
        timeoutMs: 10_000,
      });

      const before = await authLookups(stack.urls.agent);
      const storm = await sipp({
        scenario: "register-200.xml",
        target: `127.0.0.1:${stack.ports.sip}`,
        calls: USERS.map((id) => ({ user: id, authUser: id, password: password(id) })),
        domain: DOMAIN,
        workDir: stack.workDir,
        rate: 200,
      });
      assert.equal(storm.code, 0, describe(storm));
      assert.equal(
        await authLookups(stack.urls.agent) - before,
        0,
        "every HA1 came from the cache",
      );

      // Push invalidation still wins over the refilled entry.
      const [first] = USERS;
      assert.equal(await putSubscriber(stack, first, "a-new-password"), 200);
      const stale = await sipp({
        scenario: "register-401.xml",
        target: `127.0.0.1:${stack.ports.sip}`,
        calls: [{ user: first, authUser: first, password: password(first) }],
        domain: DOMAIN,
        workDir: stack.workDir,
      });
      assert.equal(stale.code, 0, `the old password still works:\n${describe(stale)}`);
    } finally {
      await restarted?.stop();
      await stack.stop();
    }
  },
});
