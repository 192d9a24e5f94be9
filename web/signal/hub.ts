/**
 * The signaling hub: delivers messages to the WebSocket connections (tabs) a user holds, on
 * whichever web instance each tab is connected. `memory-hub.ts` serves one process (the embedded
 * default); `redis-hub.ts` joins several instances through Redis pub/sub (`REDIS_URL`).
 *
 * Addresses are opaque strings. The web layer uses user ids; the call service also uses internal
 * addresses with a `call:` or `busy:` prefix (user ids never contain `:`), which gives it
 * cross-instance routing and "is this user on a call" checks from the same two primitives.
 */

/** A JSON-serialisable message. Redis hubs send it as JSON text, so no Dates or class instances. */
export type HubMessage = Record<string, unknown>;

/** Hands one message to one connection (typically: serialise and `socket.send`). */
export type Deliver = (message: HubMessage) => void;

/** Removes a registration; resolves once no further messages will be delivered to it. */
export type Unregister = () => Promise<void>;

/** Options of `Hub.publish`. */
export interface PublishOptions {
  /** A connection of the address that must not receive this message (e.g. the answering tab). */
  exceptConnectionId?: string;
}

/**
 * Delivery is at most once and in publish order per publishing instance; a `deliver` that throws
 * does not stop delivery to other connections.
 */
export interface Hub {
  /**
   * Registers a connection under an address (a user id). Resolves once messages published from any
   * instance reach it. `connectionId` must be unique across instances (use a UUID).
   */
  register(address: string, connectionId: string, deliver: Deliver): Promise<Unregister>;
  /** Delivers to every connection of `address` on every instance; a no-op when there are none. */
  publish(address: string, message: HubMessage, options?: PublishOptions): Promise<void>;
  /** Delivers to one connection wherever it is; a no-op when it is gone. */
  publishToConnection(connectionId: string, message: HubMessage): Promise<void>;
  /** How many connections `address` holds across all live instances. */
  connectionCount(address: string): Promise<number>;
  /** True when `address` holds at least one connection on a live instance. */
  isOnline(address: string): Promise<boolean>;
  /** Unregisters everything this instance holds and releases its resources. */
  close(): Promise<void>;
}

/** Calls `deliver` and swallows its error: one broken socket must not starve the others. */
export function safeDeliver(deliver: Deliver, message: HubMessage, onError?: (e: unknown) => void) {
  try {
    deliver(message);
  } catch (error) {
    onError?.(error);
  }
}
