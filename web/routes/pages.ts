import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { VNode } from "preact";
import { h } from "preact";
import type { AppEnv } from "../http/env.ts";
import type { ManifestSource } from "../build/manifest.ts";
import { renderPage } from "../render/page.ts";
import { SESSION_COOKIE, type SessionService } from "../auth/sessions.ts";
import { LandingPage } from "./index.tsx";
import { LoginPage, SignupPage } from "./auth-pages.tsx";
import { authFormRoutes } from "./auth-forms.ts";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { badgeCounts, DashboardPage } from "./dashboard.tsx";
import { classifyDialTarget } from "../../shared/dial-target.ts";
import { findSection, type SectionSources } from "./sections.tsx";

/** When this browser last opened History (epoch ms), for the missed-call badge. */
const HISTORY_SEEN = "cf_history_seen";
const WEEK_MS = 7 * 24 * 60 * 60_000;

/**
 * Server-rendered pages. Signed-in pages redirect to /login without a session. The badge sources
 * (unread voicemail) are counted on each dashboard render; without them there are no badges.
 */
export function pageRoutes(
  deps: {
    manifest: ManifestSource;
    sessions: SessionService;
    /** `invite` (the default): /signup shows its form only with an invitation link's code. */
    signupMode?: "invite" | "open";
    /** The `/api/auth` app: with it, the sign-in and sign-up forms also work as plain forms. */
    authApi?: Hono<AppEnv>;
    /** Calls `userId` missed since `since` (the History badge); absent: no such badge. */
    missedSince?: (userId: string, since: Date) => Promise<number>;
  } & SectionSources,
) {
  const app = new Hono<AppEnv>();
  // deno-lint-ignore no-explicit-any -- any page component, whatever its props
  const page = (c: Context<AppEnv>, title: string, body: VNode<any>) => {
    c.header("cache-control", "no-store");
    return c.html(renderPage({ title, body, nonce: c.get("nonce"), manifest: deps.manifest() }));
  };

  app.get(
    "/",
    (c) =>
      page(c, "Calls for care teams", h(LandingPage, { signupMode: deps.signupMode ?? "invite" })),
  );
  app.get("/signup", (c) => {
    if (c.get("user")) return c.redirect("/dashboard");
    const props = { mode: deps.signupMode ?? "invite", invite: c.req.query("invite") };
    return page(c, "Create account", h(SignupPage, props));
  });
  app.get(
    "/login",
    (c) =>
      c.get("user")
        ? c.redirect("/dashboard")
        : page(c, "Sign in", h(LoginPage, { form: undefined })),
  );
  if (deps.authApi) {
    app.route(
      "/",
      authFormRoutes({
        api: deps.authApi,
        render: (c, mode, outcome) => {
          const form = {
            message: outcome.message,
            fieldErrors: outcome.fieldErrors,
            values: outcome.values,
          };
          c.status(outcome.status as ContentfulStatusCode);
          return mode === "login" ? page(c, "Sign in", h(LoginPage, { form })) : page(
            c,
            "Create account",
            h(SignupPage, {
              mode: deps.signupMode ?? "invite",
              invite: outcome.values.invite,
              form,
            }),
          );
        },
      }),
    );
  }

  app.get("/dashboard/:section{[a-z]+}?", async (c) => {
    const user = c.get("user");
    if (!user) return c.redirect("/login");
    // A section the user may not see (Admin, for a non-admin) is a 404 like an unknown one.
    const section = findSection(c.req.param("section") ?? "", user);
    if (!section) return c.notFound();
    // "Call back" links prefill the dialer; only a well-formed CareFlow ID or number is kept.
    const target = classifyDialTarget(c.req.query("dial") ?? "");
    const dial = target.kind === "care4w"
      ? target.care4wId
      : target.kind === "phone"
      ? target.e164
      : undefined;
    const badges = await badgeCounts(user, { ...deps, missedCalls: missedCalls(c, section.slug) });
    // A section that shows stored data renders it here, before the page (its own GET form).
    const content = await section.load?.({ user, dial, query: c.req.query() }, deps);
    return page(c, section.label, h(DashboardPage, { user, section, dial, badges, content }));
  });

  /**
   * The History badge counts calls missed since this browser last opened History (a cookie, so
   * no write per page view; a browser that never did counts the last week). Opening History
   * clears it.
   */
  const missedCalls = (c: Context<AppEnv>, slug: string) => {
    const missedSince = deps.missedSince;
    if (!missedSince) return undefined;
    if (slug === "history") {
      setCookie(c, HISTORY_SEEN, String(Date.now()), {
        httpOnly: true,
        sameSite: "Lax",
        path: "/dashboard",
        maxAge: 400 * 24 * 60 * 60,
      });
      return () => Promise.resolve(0);
    }
    const seen = Number(getCookie(c, HISTORY_SEEN));
    const since = Number.isSafeInteger(seen) && seen > 0 ? seen : Date.now() - WEEK_MS;
    return (userId: string) => missedSince(userId, new Date(since));
  };

  // A plain form post, so signing out works even before any script has loaded.
  app.post("/logout", async (c) => {
    const key = c.get("sessionKey");
    if (key) await deps.sessions.end(key);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/", 303);
  });
  return app;
}
