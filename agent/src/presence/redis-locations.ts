/**
 * Kamailio's location table as db_redis keeps it when the nodes share registrations
 * (WITH_REDIS_USRLOC, usrloc DB-only): then `ul.dump` answers nothing (usrloc holds no memory
 * copy), so the presence resync reads the contacts where they are. Each contact is a hash
 * `location:entry::<ruid>` (pbx/kamailio/modules.cfg), its `expires` a local-time datetime
 * ("YYYY-MM-DD HH:MM:SS", Kamailio's clock: agent and Kamailio share a time zone).
 */
import type { Redis } from "ioredis";
import { care4wIdSchema } from "../../../shared/schemas.ts";
import { type Contact, transportOf } from "./messages.ts";

const FIELDS = ["username", "contact", "received", "socket", "expires", "ruid"] as const;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Every live contact of every CareFlow AOR, as `parseLocationDump` gives `ul.dump`'s. */
export async function readRedisLocations(
  redis: Redis,
  now: () => number = Date.now,
): Promise<Map<string, Contact[]>> {
  const aors = new Map<string, Contact[]>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "location:entry::*", "COUNT", 500);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.hmget(key, ...FIELDS);
    for (const [error, values] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const [username, addr, received, socket, expires, ruid] = values as (string | null)[];
      if (!username || !care4wIdSchema.safeParse(username).success || !addr || !ruid) continue;
      // A contact usrloc's timer has not removed yet but whose time is up is gone already.
      if (!expires || !DATETIME.test(expires)) continue;
      if (new Date(expires.replace(" ", "T")).getTime() <= now()) continue;
      const contact = {
        ruid,
        transport: transportOf({ addr, received: received ?? "", socket: socket ?? "" }),
      };
      aors.set(username, [...(aors.get(username) ?? []), contact]);
    }
  } while (cursor !== "0");
  return aors;
}
