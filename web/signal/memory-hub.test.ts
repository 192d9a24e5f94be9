import { hubContract } from "./testing/hub-contract.ts";
import { createMemoryHub } from "./memory-hub.ts";

hubContract({
  name: "memory",
  open() {
    // One process is one instance: both "instances" are the same hub.
    const hub = createMemoryHub();
    return Promise.resolve({ subject: [hub, hub], close: () => hub.close() });
  },
});
