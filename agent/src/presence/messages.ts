/**
 * What Kamailio tells the agent about registrations (pbx/kamailio/presence.cfg, over evapi), and
 * what it answers to `ul.dump` (JSON-RPC), both read into one shape: an AOR's contacts, each with
 * the transport it registered over. Anything that does not fit is dropped by the caller, counted.
 */
import { z } from "zod";
import { care4wIdSchema } from "../../../shared/schemas.ts";

/** How a device reaches Kamailio, the label of "registrations by transport". */
export const TRANSPORTS = ["udp", "tcp", "tls", "ws", "wss", "other"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** One registered contact as the agent keeps it. */
export interface Contact {
  ruid: string;
  transport: Transport;
}

// "<seconds>.<microseconds>" from Kamailio's $TV(Sn).
const kamailioTime = z.string().regex(/^\d{1,12}\.\d{1,6}$/);
const ruid = z.string().min(1).max(128);
const uriText = z.string().max(1024);

const registerSchema = z.object({
  event: z.literal("register"),
  aor: care4wIdSchema,
  at: kamailioTime,
  contacts: z.array(
    z.object({
      ruid,
      addr: uriText,
      received: uriText,
      socket: uriText,
    }).passthrough(),
  ).max(64),
});

const expiredSchema = z.object({
  event: z.literal("expired"),
  aor: care4wIdSchema,
  at: kamailioTime,
  ruid,
});

/** A message from Kamailio, as the tracker applies it. */
export type RegistrationMessage =
  | { kind: "snapshot"; aor: string; atMicros: number; contacts: Contact[] }
  | { kind: "expired"; aor: string; atMicros: number; ruid: string };

/**
 * The transport of a contact: WebSocket clients are told by the `transport=ws(s)` of their
 * received or contact URI (their socket is Kamailio's TCP/TLS listener), the rest by the socket.
 */
export function transportOf(c: { addr: string; received: string; socket: string }): Transport {
  const uris = `${c.received} ${c.addr}`;
  if (/;transport=wss\b/i.test(uris)) return "wss";
  if (/;transport=ws\b/i.test(uris)) return "ws";
  const proto = /^(udp|tcp|tls):/i.exec(c.socket)?.[1].toLowerCase();
  return (proto as Transport | undefined) ?? "other";
}

/** Microseconds since the epoch of a `$TV(Sn)` value. */
export function kamailioMicros(at: string): number {
  const [seconds, micros] = at.split(".");
  return Number(seconds) * 1_000_000 + Number(micros.padEnd(6, "0"));
}

/** One evapi payload, or null when it is not a message this agent understands. */
export function parseRegistrationMessage(payload: string): RegistrationMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const register = registerSchema.safeParse(json);
  if (register.success) {
    const { aor, at, contacts } = register.data;
    return {
      kind: "snapshot",
      aor,
      atMicros: kamailioMicros(at),
      contacts: contacts.map((c) => ({ ruid: c.ruid, transport: transportOf(c) })),
    };
  }
  const expired = expiredSchema.safeParse(json);
  if (expired.success) {
    const { aor, at, ruid } = expired.data;
    return { kind: "expired", aor, atMicros: kamailioMicros(at), ruid };
  }
  return null;
}

const dumpContactSchema = z.object({
  Contact: z.object({
    Address: z.string(),
    Received: z.string(),
    Socket: z.string(),
    Ruid: z.string(),
    Expires: z.union([z.number(), z.string()]),
  }).passthrough(),
});

const dumpSchema = z.object({
  Domains: z.array(z.object({
    Domain: z.object({
      Domain: z.string(),
      AoRs: z.array(
        z.object({
          Info: z.object({ AoR: z.string(), Contacts: z.array(dumpContactSchema) }).passthrough(),
        }).passthrough(),
      ),
    }).passthrough(),
  })),
});

/**
 * Every CareFlow AOR of the `location` table and its live contacts, from `ul.dump`'s result.
 * Throws when the answer is not a dump (the resync is then retried, nothing is changed).
 */
export function parseLocationDump(result: unknown): Map<string, Contact[]> {
  const dump = dumpSchema.parse(result);
  const aors = new Map<string, Contact[]>();
  for (const { Domain: domain } of dump.Domains) {
    if (domain.Domain !== "location") continue;
    for (const { Info: info } of domain.AoRs) {
      if (!care4wIdSchema.safeParse(info.AoR).success) continue;
      const contacts = info.Contacts.map(({ Contact: c }) => c)
        // "[not set]" fields and contacts already past their expiry ("expired", "deleted").
        .filter((c) =>
          c.Expires === "permanent" || (typeof c.Expires === "number" && c.Expires > 0)
        )
        .map((c) => ({
          ruid: c.Ruid,
          transport: transportOf({
            addr: c.Address,
            received: c.Received === "[not set]" ? "" : c.Received,
            socket: c.Socket,
          }),
        }));
      if (contacts.length > 0) aors.set(info.AoR, contacts);
    }
  }
  return aors;
}
