/**
 * `/api/admin/access-trail` (the recordings access trail, filtered) and `/api/admin/health`
 * (system health), mounted by `adminRoutes` behind its admin check.
 */
import { Hono } from "hono";
import { queryOf } from "../../../shared/http/validate.ts";
import type { SystemHealth } from "../../admin/health.ts";
import { trailPage, TrailQueryInput, type TrailSources } from "../../admin/trail.ts";
import type { AppEnv } from "../../http/env.ts";

/** What the two endpoints read. */
export interface AdminSystemDeps extends TrailSources {
  /** The health figures, read anew on each call (`systemHealth` over the app's parts). */
  health: () => Promise<SystemHealth>;
}

/** The routes; the caller has already required an admin. */
export function adminSystemRoutes(deps: AdminSystemDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/access-trail", queryOf(TrailQueryInput), async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await trailPage(deps, c.req.valid("query")));
  });

  app.get("/health", async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await deps.health());
  });

  return app;
}
