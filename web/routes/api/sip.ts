import { Hono } from "hono";
import type { SipPhoneCredentials, SipPhoneSettings } from "../../../shared/api.ts";
import type { AppEnv } from "../../http/env.ts";
import { problem } from "../../../shared/http/problem.ts";
import type { Logger } from "../../log.ts";
import { requireUser } from "../../middleware/session.ts";
import type { SipEdge } from "../../sip/mod.ts";
import type { PhonePresenceStore } from "../../store/mod.ts";

export interface SipRouteDeps {
  /** Absent when SIP is not configured: both endpoints answer 404. */
  sip: SipEdge | undefined;
  presence: Pick<PhonePresenceStore, "getPhonePresence">;
  logger: Logger;
}

/**
 * `/api/sip/credentials`: `GET` the SIP phone settings (never the password) and whether a phone
 * is registered now, `POST` to create or
 * rotate the password, which is returned this once and never again.
 */
export function sipRoutes(deps: SipRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);
  const edge = () => {
    if (!deps.sip) throw problem(404, "SIP phones are not configured on this server.");
    return deps.sip;
  };

  app.get("/credentials", async (c) => {
    const user = c.get("user")!;
    const presence = await deps.presence.getPhonePresence(user.id);
    const answer: SipPhoneSettings = {
      ...await edge().phones.settings(user),
      phone: presence ? { online: presence.online, since: presence.changedAt.toISOString() } : null,
    };
    c.header("cache-control", "no-store");
    return c.json(answer);
  });

  app.post("/credentials", async (c) => {
    const user = c.get("user")!;
    const { delivered, ...fresh } = await edge().phones.rotate(user);
    if (!delivered) {
      // Still queued and retried; the phone works as soon as the agent is back.
      deps.logger.warn("SIP password rotated while the agent is unreachable", {
        care4wId: user.care4wId,
      });
    }
    const answer: SipPhoneCredentials = fresh;
    c.header("cache-control", "no-store");
    return c.json(answer);
  });

  return app;
}
