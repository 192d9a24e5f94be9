/** `/api/me/settings`: a user's own choices about their calls and recordings. */
import { Hono } from "hono";
import { type UserSettings, UserSettingsPatch } from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import type { RecordingsConfig } from "../../recordings/config.ts";
import type { SubscriberSync } from "../../sip/mod.ts";
import type { User, UserStore } from "../../store/mod.ts";

function settingsOf(user: User, bounds: RecordingsConfig["retention"]): UserSettings {
  return {
    recordCalls: user.recordCalls,
    retentionDays: Math.min(bounds.maxDays, Math.max(bounds.minDays, user.retentionDays)),
    hasGreeting: user.voicemailGreetingKey !== null,
    retentionBounds: bounds,
  };
}

/** The settings routes. */
export function settingsRoutes(
  deps: {
    users: Pick<UserStore, "updateUser">;
    retention: RecordingsConfig["retention"];
    /**
     * With SIP configured: Kamailio asks the agent whose setting records a call, so a change of
     * "record my calls" is pushed to the agent like every other subscriber change.
     */
    sip?: SubscriberSync;
  },
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);

  app.get("/", (c) => {
    c.header("cache-control", "no-store");
    return c.json({ settings: settingsOf(c.get("user")!, deps.retention) });
  });

  app.patch("/", jsonBody(UserSettingsPatch), async (c) => {
    const body = c.req.valid("json");
    const { minDays, maxDays } = deps.retention;
    if (
      body.retentionDays !== undefined &&
      (body.retentionDays < minDays || body.retentionDays > maxDays)
    ) {
      throw problem(400, `Recordings are kept between ${minDays} and ${maxDays} days here.`, {
        errors: [{ field: "retentionDays", message: `must be ${minDays}-${maxDays}` }],
      });
    }
    const before = c.get("user")!;
    const updated = await deps.users.updateUser(before.id, body);
    if (deps.sip && updated && updated.recordCalls !== before.recordCalls) {
      await deps.sip.syncSubscriber(updated.care4wId);
    }
    c.header("cache-control", "no-store");
    return c.json({ settings: settingsOf(updated!, deps.retention) });
  });

  return app;
}
