/**
 * In-process hub: the embedded default when one web instance serves everyone. Delivery is
 * synchronous, inside `publish`, which keeps ordering trivial.
 */
import {
  type Deliver,
  type Hub,
  type HubMessage,
  type PublishOptions,
  safeDeliver,
} from "./hub.ts";
import type { Unregister } from "./hub.ts";

/** Options of `createMemoryHub`. */
export interface MemoryHubOptions {
  /** Called when a connection's `deliver` throws. */
  onDeliverError?: (error: unknown) => void;
}

/** Creates an in-process hub. */
export function createMemoryHub(options: MemoryHubOptions = {}): Hub {
  // address → connectionId → deliver
  const byAddress = new Map<string, Map<string, Deliver>>();
  const byConnection = new Map<string, { address: string; deliver: Deliver }>();

  const remove = (address: string, connectionId: string, deliver: Deliver) => {
    // Only the registration that created the entry may remove it (ids can be re-registered).
    if (byConnection.get(connectionId)?.deliver !== deliver) return;
    byConnection.delete(connectionId);
    const connections = byAddress.get(address);
    connections?.delete(connectionId);
    if (connections?.size === 0) byAddress.delete(address);
  };

  return {
    register(address, connectionId, deliver): Promise<Unregister> {
      const previous = byConnection.get(connectionId);
      if (previous) remove(previous.address, connectionId, previous.deliver);
      byConnection.set(connectionId, { address, deliver });
      let connections = byAddress.get(address);
      if (!connections) byAddress.set(address, connections = new Map());
      connections.set(connectionId, deliver);
      return Promise.resolve(() => {
        remove(address, connectionId, deliver);
        return Promise.resolve();
      });
    },
    publish(address: string, message: HubMessage, opts: PublishOptions = {}) {
      // Copy first: a delivery may register or unregister connections.
      for (const [id, deliver] of [...(byAddress.get(address) ?? [])]) {
        if (id !== opts.exceptConnectionId) safeDeliver(deliver, message, options.onDeliverError);
      }
      return Promise.resolve();
    },
    publishToConnection(connectionId, message) {
      const entry = byConnection.get(connectionId);
      if (entry) safeDeliver(entry.deliver, message, options.onDeliverError);
      return Promise.resolve();
    },
    connectionCount(address) {
      return Promise.resolve(byAddress.get(address)?.size ?? 0);
    },
    isOnline(address) {
      return Promise.resolve((byAddress.get(address)?.size ?? 0) > 0);
    },
    close() {
      byAddress.clear();
      byConnection.clear();
      return Promise.resolve();
    },
  };
}
