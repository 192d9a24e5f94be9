import { Hono } from "hono";
import type { MiddlewareHandler } from "hono";
import { Care4wIdParam } from "../../../shared/api.ts";
import type { AppEnv } from "../../http/env.ts";
import { problem, validationProblem } from "../../http/problem.ts";
import type { Logger } from "../../log.ts";
import { requireUser } from "../../middleware/session.ts";
import type { AgentClient } from "../../sip/agent-client.ts";
import type { Store } from "../../store/types.ts";

export interface AdminDeps {
  store: Store;
  /** Present when SIP is configured: deactivations must reach Kamailio through the agent. */
  agent: AgentClient | undefined;
  logger: Logger;
}

/** 403 problem+json unless the signed-in user is an admin. */
const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("user")?.role !== "admin") throw problem(403, "Only administrators may do this.");
  await next();
};

/**
 * `/api/admin/*`. `POST /users/:care4wId/deactivate` turns the account off, ends its sessions
 * and tells the agent to forget the subscriber (so Kamailio drops its registrations). Idempotent:
 * deactivating again pushes again, which is how an operator can repair a missed push.
 */
export function adminRoutes(deps: AdminDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requireUser, requireAdmin);

  app.post("/users/:care4wId/deactivate", async (c) => {
    const parsed = Care4wIdParam.safeParse(c.req.param("care4wId"));
    if (!parsed.success) throw validationProblem(parsed.error, "path");
    const target = await deps.store.findUserByCare4wId(parsed.data);
    if (!target) throw problem(404, "Nobody has this CareFlow ID.");
    if (target.id === c.get("user")!.id) {
      throw problem(409, "You cannot deactivate your own account.");
    }
    await deps.store.updateUser(target.id, { isActive: false });
    await deps.store.deleteUserSessions(target.id);
    const delivered = deps.agent
      ? await deps.agent.push(target.care4wId, { kind: "delete" })
      : true;
    deps.logger.info("user deactivated", {
      care4wId: target.care4wId,
      by: c.get("user")!.care4wId,
      agentUpdated: delivered,
    });
    return c.json({ care4wId: target.care4wId, active: false });
  });

  return app;
}

/**
 * The store as sign-up sees it: a new account whose email is in `ADMIN_EMAILS` gets the admin
 * role (local and Firebase sign-ups alike). Every other method is the store's own.
 */
export function withAdminEmails(store: Store, adminEmails: string[]): Store {
  if (adminEmails.length === 0) return store;
  const admins = new Set(adminEmails.map((email) => email.toLowerCase()));
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === "createUser") {
        return (input: Parameters<Store["createUser"]>[0]) =>
          target.createUser(
            admins.has(input.email.trim().toLowerCase()) ? { ...input, role: "admin" } : input,
          );
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
