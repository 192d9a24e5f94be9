/**
 * `/api/admin/invitations`: admins invite colleagues to sign up (mounted inside the admin routes,
 * behind their admin check and the app's same-origin guard). The link's token is shown once, in
 * the answer to the invitation; the list never carries it (the store has only its hash).
 */
import { Hono } from "hono";
import { z } from "zod";
import { Email } from "../../../shared/api.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import { invitationLink, type Invitations } from "../../auth/invitations.ts";
import type { AppEnv } from "../../http/env.ts";
import type { Logger } from "../../log.ts";

export interface InvitationRouteDeps {
  invitations: Pick<Invitations, "invite" | "pending" | "revoke">;
  /** Links point here when set; else at the origin the admin's request came to. */
  publicUrl: string | undefined;
  logger: Logger;
}

const InviteBody = z.object({ email: Email }).strict();
const InvitationId = z.uuid();

/** The invitation routes; the caller mounts them where only admins reach them. */
export function invitationRoutes(deps: InvitationRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    await next();
    // A fresh link is a secret: no cache may keep the answer.
    c.header("cache-control", "no-store");
  });

  app.post("/", jsonBody(InviteBody), async (c) => {
    const { email } = c.req.valid("json");
    const by = c.get("user")!.care4wId;
    const result = await deps.invitations.invite(email, by);
    if (result.kind === "has-account") {
      throw problem(409, "This email already has a CareFlow account.", {
        errors: [{ field: "email", message: "already has an account" }],
      });
    }
    const { invitation, token } = result;
    // Never the token or the link: the log says who invited whom.
    deps.logger.info("invitation created", { by, invitationId: invitation.id });
    return c.json({
      id: invitation.id,
      email: invitation.email,
      link: invitationLink(deps.publicUrl ?? c.req.url, token),
      expiresAt: invitation.expiresAt.toISOString(),
    }, 201);
  });

  app.get("/", async (c) => {
    const invitations = (await deps.invitations.pending()).map((invitation) => ({
      id: invitation.id,
      email: invitation.email,
      invitedBy: invitation.invitedBy,
      createdAt: invitation.createdAt.toISOString(),
      expiresAt: invitation.expiresAt.toISOString(),
    }));
    return c.json({ invitations });
  });

  app.delete("/:id", async (c) => {
    const id = InvitationId.safeParse(c.req.param("id"));
    if (!id.success || !await deps.invitations.revoke(id.data)) {
      throw problem(404, "There is no pending invitation with this id.");
    }
    deps.logger.info("invitation revoked", { by: c.get("user")!.care4wId, invitationId: id.data });
    return c.body(null, 204);
  });

  return app;
}
