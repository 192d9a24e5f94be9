/**
 * Kamailio's JSON-RPC serves the agent only (issue 13, item 17) on the stack's real Kamailio: a
 * local process without the agent's credential, or with a wrong one, can neither write the HA1
 * cache nor lift a ban; the agent's credential works.
 * Run with `deno test -A pbx/kamailio/rpc-auth.test.ts`.
 */
import assert from "node:assert/strict";
import { kamailioRpc, startStack } from "../../tools/stack/stack.ts";

/** A JSON-RPC call as any local process could send it, with the `authorization` given. */
async function rpcAs(url: string, authorization: string | null, method: string, params: unknown[]) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method, params, id: 1 }),
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test({
  name: "JSON-RPC without the agent's credential is refused and changes nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const stack = await startStack({ skip: { rtpengine: true } });
    try {
      const ban = ["ipban", "127.0.0.9"];
      await kamailioRpc(stack.rpc, "htable.sets", [...ban, "1"]);
      const forged = ["authcache", "care4w-1600001", "0123456789abcdef0123456789abcdef"];
      const wrong = `Basic ${btoa("agent:not-the-secret-at-all")}`;
      for (
        const authorization of [null, wrong, `Basic ${btoa(`kamailio:${stack.kamailioApiSecret}`)}`]
      ) {
        assert.equal(await rpcAs(stack.urls.rpc, authorization, "htable.sets", forged), 401);
        assert.equal(await rpcAs(stack.urls.rpc, authorization, "htable.delete", ban), 401);
      }
      const cached = await kamailioRpc(stack.rpc, "htable.get", ["authcache", "care4w-1600001"])
        .catch((error) => String(error));
      assert.match(
        JSON.stringify(cached),
        /not found|doesn.t exist/i,
        `no HA1 was written: ${JSON.stringify(cached)}`,
      );
      const banned = await kamailioRpc(stack.rpc, "htable.get", ban) as {
        item?: { value?: number };
      };
      assert.equal(String(banned?.item?.value), "1", "the ban stands");
    } finally {
      await stack.stop();
    }
  },
});
