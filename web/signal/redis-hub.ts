/**
 * Redis hub: several web instances sharing one Redis. Each instance subscribes to one channel per
 * address it holds connections for and one per connection, so a publish goes only to the instances
 * that need it. Presence is a sorted set per address whose members (`instance:connection`) carry an
 * expiry time as score; every instance refreshes its own members on a heartbeat, so the connections
 * of a crashed instance stop counting after `presenceTtlMs` without anyone cleaning up after it.
 */
// The named export: under Deno the default import types as the CommonJS module object.
import { Redis } from "ioredis";
import {
  type Deliver,
  type Hub,
  type HubMessage,
  type PublishOptions,
  safeDeliver,
  type Unregister,
} from "./hub.ts";

/** Options of `createRedisHub`. */
export interface RedisHubOptions {
  /** `redis://host:port/db`. */
  url: string;
  /** Prefix of every key and channel; lets tests and deployments share a Redis. */
  prefix?: string;
  /** Identifies this instance in presence members; defaults to a random UUID. */
  instanceId?: string;
  /** How long a connection counts as present without a heartbeat (default 30 s). */
  presenceTtlMs?: number;
  /** Heartbeat period (default a third of the TTL). */
  heartbeatMs?: number;
  /** Called when a connection's `deliver` throws or a frame from Redis cannot be read. */
  onError?: (error: unknown) => void;
}

/** A Redis hub, plus a crash simulation for tests. */
export interface RedisHub extends Hub {
  /** Drops the Redis connections without removing presence, as a crashed process would. */
  abandon(): void;
}

interface Envelope {
  m: HubMessage;
  x?: string;
}

/** Connects to Redis and returns a hub; rejects when Redis cannot be reached. */
export async function createRedisHub(options: RedisHubOptions): Promise<RedisHub> {
  const prefix = options.prefix ?? "careflow:hub:";
  const instanceId = options.instanceId ?? crypto.randomUUID();
  const ttl = options.presenceTtlMs ?? 30_000;
  const onError = options.onError;
  const [commands, subscriber] = await connectPair(options.url, onError);

  const addressChannel = (address: string) => `${prefix}a:${address}`;
  const connectionChannel = (id: string) => `${prefix}c:${id}`;
  const presenceKey = (address: string) => `${prefix}p:${address}`;
  const member = (connectionId: string) => `${instanceId}:${connectionId}`;

  const byAddress = new Map<string, Map<string, Deliver>>();
  const byConnection = new Map<string, { address: string; deliver: Deliver }>();

  subscriber.on(
    "message",
    (channel: string, text: string) =>
      deliverLocally({ prefix, byAddress, byConnection, onError }, channel, text),
  );

  const touch = (address: string, connectionId: string) =>
    commands.multi()
      .zadd(presenceKey(address), Date.now() + ttl, member(connectionId))
      .pexpire(presenceKey(address), ttl)
      .exec();

  const heartbeat = setInterval(() => {
    if (byConnection.size === 0) return;
    const batch = commands.multi();
    for (const [connectionId, { address }] of byConnection) {
      batch.zadd(presenceKey(address), Date.now() + ttl, member(connectionId));
      batch.pexpire(presenceKey(address), ttl);
    }
    batch.exec().catch((e: unknown) => onError?.(e));
  }, options.heartbeatMs ?? Math.max(10, Math.floor(ttl / 3)));

  const remove = async (address: string, connectionId: string, deliver: Deliver) => {
    if (byConnection.get(connectionId)?.deliver !== deliver) return;
    byConnection.delete(connectionId);
    const connections = byAddress.get(address);
    connections?.delete(connectionId);
    const channels = [connectionChannel(connectionId)];
    if (connections?.size === 0) {
      byAddress.delete(address);
      channels.push(addressChannel(address));
    }
    await Promise.all([
      subscriber.unsubscribe(...channels),
      commands.zrem(presenceKey(address), member(connectionId)),
    ]);
  };

  // Members whose expiry has passed belong to instances that stopped heartbeating.
  const count = (address: string) => commands.zcount(presenceKey(address), Date.now(), "+inf");

  let closed = false;
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
  };

  return {
    async register(address, connectionId, deliver): Promise<Unregister> {
      const previous = byConnection.get(connectionId);
      if (previous) await remove(previous.address, connectionId, previous.deliver);
      // Decide synchronously whether this is the first local connection of the address, so that
      // concurrent registrations subscribe once; ioredis keeps the command order.
      let connections = byAddress.get(address);
      const channels = [connectionChannel(connectionId)];
      if (!connections) {
        byAddress.set(address, connections = new Map());
        channels.push(addressChannel(address));
      }
      connections.set(connectionId, deliver);
      byConnection.set(connectionId, { address, deliver });
      await Promise.all([subscriber.subscribe(...channels), touch(address, connectionId)]);
      return () => remove(address, connectionId, deliver);
    },
    async publish(address: string, message: HubMessage, opts: PublishOptions = {}) {
      const envelope: Envelope = opts.exceptConnectionId
        ? { m: message, x: opts.exceptConnectionId }
        : { m: message };
      await commands.publish(addressChannel(address), JSON.stringify(envelope));
    },
    async publishToConnection(connectionId, message) {
      await commands.publish(connectionChannel(connectionId), JSON.stringify({ m: message }));
    },
    connectionCount: count,
    async isOnline(address) {
      return (await count(address)) > 0;
    },
    async close() {
      if (closed) return;
      stop();
      const batch = commands.multi();
      for (const [connectionId, { address }] of byConnection) {
        batch.zrem(presenceKey(address), member(connectionId));
      }
      byConnection.clear();
      byAddress.clear();
      await batch.exec().catch((e: unknown) => onError?.(e));
      await Promise.all([subscriber.quit(), commands.quit()]);
    },
    abandon() {
      stop();
      byConnection.clear();
      byAddress.clear();
      subscriber.disconnect();
      commands.disconnect();
    },
  };
}

/** A client for commands and one for subscriptions (a subscribed client can do nothing else). */
async function connectPair(url: string, onError?: (error: unknown) => void) {
  const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 2 };
  const commands = new Redis(url, redisOptions);
  const subscriber = new Redis(url, redisOptions);
  // ioredis emits "error" on connection trouble; without a listener Node prints and goes on.
  commands.on("error", (e: unknown) => onError?.(e));
  subscriber.on("error", (e: unknown) => onError?.(e));
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    // Stop ioredis from retrying in the background after a failed start.
    commands.disconnect();
    subscriber.disconnect();
    throw error;
  }
  return [commands, subscriber] as const;
}

/** The connections of this instance, by address and by id. */
interface Local {
  prefix: string;
  byAddress: Map<string, Map<string, Deliver>>;
  byConnection: Map<string, { address: string; deliver: Deliver }>;
  onError?: (error: unknown) => void;
}

/** Hands a message from a channel to the local connection(s) it is for. */
function deliverLocally(local: Local, channel: string, text: string) {
  const { prefix, onError } = local;
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text);
  } catch (error) {
    onError?.(error);
    return;
  }
  if (channel.startsWith(`${prefix}c:`)) {
    const entry = local.byConnection.get(channel.slice(prefix.length + 2));
    if (entry) safeDeliver(entry.deliver, envelope.m, onError);
    return;
  }
  const connections = local.byAddress.get(channel.slice(prefix.length + 2));
  for (const [id, deliver] of [...(connections ?? [])]) {
    if (id !== envelope.x) safeDeliver(deliver, envelope.m, onError);
  }
}
