import { runHubContract } from "./hub-contract.ts";
import { createMemoryHub } from "./memory-hub.ts";

Deno.test("memory hub passes the hub contract", async (t) => {
  await runHubContract(t, () => {
    // One process is one instance: both "instances" are the same hub.
    const hub = createMemoryHub();
    return Promise.resolve({ hubs: [hub, hub], close: () => hub.close() });
  });
});
