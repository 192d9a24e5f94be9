/**
 * `/api/users/settings`: the seed's settings (shared/settings.ts) as one document. `GET` reads
 * them, `PATCH` takes any part of them (validated whole before anything is written), and
 * `POST /reset` puts the defaults back. `privacy.autoRecord` and `privacy.retentionDays` are the
 * user's `recordCalls` and `retentionDays`, changed through the same path as `/api/me/settings`
 * (so a change of recording reaches the SIP agent the same way); the rest is the settings
 * document.
 */
import { Hono } from "hono";
import {
  fullSettings,
  patchStored,
  type Settings,
  settingsPatchSchema,
  storedSettingsFrom,
} from "../../../shared/settings.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { DEFAULT_RETENTION_DAYS, type User, type UserSettingsStore } from "../../store/mod.ts";
import { boundedRetention, type CallSettingsDeps, changeCallSettings } from "./settings.ts";

/** What the routes need: the user's call settings' path and the settings documents. */
export interface UserSettingsDeps extends CallSettingsDeps {
  settings: UserSettingsStore;
  now: () => Date;
}

/** The settings routes, mounted at `/api/users/settings`. */
export function userSettingsRoutes(deps: UserSettingsDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser);
  app.use("*", async (c, next) => {
    await next();
    c.header("cache-control", "no-store");
  });
  const patchSchema = settingsPatchSchema(deps.retention);
  const view = async (user: User): Promise<{ settings: Settings }> => ({
    settings: fullSettings(storedSettingsFrom(await deps.settings.getUserSettings(user.id)), {
      recordCalls: user.recordCalls,
      retentionDays: boundedRetention(user, deps.retention),
    }),
  });

  app.get("/", async (c) => c.json(await view(c.get("user")!)));

  app.patch("/", jsonBody(patchSchema), async (c) => {
    const patch = c.req.valid("json");
    let user = c.get("user")!;
    const { autoRecord, retentionDays } = patch.privacy ?? {};
    if (autoRecord !== undefined || retentionDays !== undefined) {
      user = await changeCallSettings(deps, user, { recordCalls: autoRecord, retentionDays });
    }
    const stored = storedSettingsFrom(await deps.settings.getUserSettings(user.id));
    await deps.settings.saveUserSettings(user.id, patchStored(stored, patch), deps.now());
    return c.json(await view(user));
  });

  app.post("/reset", async (c) => {
    const before = c.get("user")!;
    const { minDays, maxDays } = deps.retention;
    const user = await changeCallSettings(deps, before, {
      recordCalls: false,
      retentionDays: Math.min(maxDays, Math.max(minDays, DEFAULT_RETENTION_DAYS)),
    });
    await deps.settings.deleteUserSettings(user.id);
    return c.json(await view(user));
  });
  return app;
}
