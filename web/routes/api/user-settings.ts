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
  defaultStored,
  fullSettings,
  patchStored,
  type Settings,
  settingsPatchSchema,
  type StoredSettings,
  storedSettingsFrom,
} from "../../../shared/settings.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import type { AppEnv } from "../../http/env.ts";
import { requireUser } from "../../middleware/session.ts";
import { DEFAULT_RETENTION_DAYS, type User, type UserSettingsStore } from "../../store/mod.ts";
import { boundedRetention, type CallSettingsDeps, changeCallSettings } from "./settings.ts";
import { callPrivacyChanged } from "../../sip/call-privacy.ts";

/** What the routes need: the user's call settings' path and the settings documents. */
export interface UserSettingsDeps extends CallSettingsDeps {
  /** Where documents are written (through the read caches, so they forget the old one). */
  settings: UserSettingsStore;
  /**
   * Where they are read from: the store itself. A patch is read, changed and written back, and a
   * cached copy (up to a second old, another instance's write not in it) would undo that write.
   */
  liveSettings: Pick<UserSettingsStore, "getUserSettings">;
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
    settings: fullSettings(storedSettingsFrom(await deps.liveSettings.getUserSettings(user.id)), {
      recordCalls: user.recordCalls,
      retentionDays: boundedRetention(user, deps.retention),
    }),
  });

  app.get("/", async (c) => c.json(await view(c.get("user")!)));

  app.patch("/", jsonBody(patchSchema), async (c) => {
    const patch = c.req.valid("json");
    let user = c.get("user")!;
    // The document first: a push to the agent (below, or for a change of recording) reads it.
    const stored = storedSettingsFrom(await deps.liveSettings.getUserSettings(user.id));
    const next = patchStored(stored, patch);
    await deps.settings.saveUserSettings(user.id, next, deps.now());
    const { autoRecord, retentionDays } = patch.privacy ?? {};
    const recordedBefore = user.recordCalls;
    if (autoRecord !== undefined || retentionDays !== undefined) {
      user = await changeCallSettings(deps, user, { recordCalls: autoRecord, retentionDays });
    }
    await pushCallPrivacy(deps, user, stored, next, user.recordCalls !== recordedBefore);
    return c.json(await view(user));
  });

  app.post("/reset", async (c) => {
    const before = c.get("user")!;
    const { minDays, maxDays } = deps.retention;
    const stored = storedSettingsFrom(await deps.liveSettings.getUserSettings(before.id));
    await deps.settings.deleteUserSettings(before.id);
    const user = await changeCallSettings(deps, before, {
      recordCalls: false,
      retentionDays: Math.min(maxDays, Math.max(minDays, DEFAULT_RETENTION_DAYS)),
    });
    await pushCallPrivacy(
      deps,
      user,
      stored,
      defaultStored(),
      user.recordCalls !== before.recordCalls,
    );
    return c.json(await view(user));
  });
  return app;
}

/**
 * Tells the SIP agent when who may ring the user changed (do-not-disturb, direct calls, withheld
 * numbers), unless a push for the change of recording already carried it.
 */
async function pushCallPrivacy(
  deps: UserSettingsDeps,
  user: User,
  before: StoredSettings,
  after: StoredSettings,
  alreadyPushed: boolean,
): Promise<void> {
  if (alreadyPushed || !deps.sip || !callPrivacyChanged(before, after)) return;
  await deps.sip.syncSubscriber(user.care4wId);
}
