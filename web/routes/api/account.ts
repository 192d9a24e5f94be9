import { Hono } from "hono";
import { LookupQuery, type LookupResponse, type TokenResponse } from "../../../shared/api.ts";
import type { AppEnv } from "../../http/env.ts";
import { queryOf } from "../../../shared/http/validate.ts";
import { userView } from "../../http/views.ts";
import { requireUser } from "../../middleware/session.ts";
import type { UserStore } from "../../store/mod.ts";

export interface AccountDeps {
  users: Pick<UserStore, "findUserByCare4wId">;
  callMode: TokenResponse["mode"];
  ringTimeoutSeconds: number;
  /** ICE servers for this user; a function because TURN credentials are per user and expire. */
  iceServers: (care4wId: string) => TokenResponse["iceServers"];
  /** Short-lived SIP credentials for the browser; only in sip mode. */
  sipCredentials?: (care4wId: string) => NonNullable<TokenResponse["sip"]>;
  /** A Twilio Voice token for the browser; only with Twilio configured. */
  twilioToken?: (care4wId: string) => NonNullable<TokenResponse["twilio"]>;
}

/** `/api/me`, `/api/users/lookup` and `/api/token`: everything needs a session. */
export function accountRoutes(deps: AccountDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/me", requireUser, (c) => c.json({ user: userView(c.get("user")!) }));

  app.get("/users/lookup", requireUser, queryOf(LookupQuery), async (c) => {
    const { care4wId } = c.req.valid("query");
    const found = await deps.users.findUserByCare4wId(care4wId);
    const answer: LookupResponse = found?.isActive
      ? { exists: true, displayName: found.displayName }
      : { exists: false };
    c.header("cache-control", "private, max-age=30");
    return c.json(answer);
  });

  app.get("/token", requireUser, (c) => {
    const user = c.get("user")!;
    const answer: TokenResponse = {
      token: null,
      mode: deps.callMode,
      care4wId: user.care4wId,
      ...(deps.callMode === "sip" && deps.sipCredentials
        ? { sip: deps.sipCredentials(user.care4wId) }
        : {}),
      iceServers: deps.iceServers(user.care4wId),
      ringTimeoutSeconds: deps.ringTimeoutSeconds,
      recordCalls: user.recordCalls,
      ...(deps.twilioToken ? { twilio: deps.twilioToken(user.care4wId) } : {}),
    };
    c.header("cache-control", "no-store");
    return c.json(answer);
  });

  return app;
}
