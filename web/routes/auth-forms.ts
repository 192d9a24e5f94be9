/**
 * `POST /login` and `POST /signup`: the sign-in and sign-up forms as plain HTML forms, so they
 * work before the page's script has loaded and with JavaScript off (pressing Enter early used to
 * send a GET with the password in the URL). Each is a thin adapter over the API's own route
 * (`/api/auth/*`, the one place sign-in and sign-up are decided, with their limits): the form is
 * passed on as JSON, a success becomes a redirect to the dashboard with the API's cookies, a
 * refusal the same page again with the API's words, the typed email and name (never the
 * password).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { formFields, fromOurPage, postToApi } from "./form-post.ts";

/** What a form page shows after a refusal. */
export interface FormOutcome {
  status: number;
  message: string;
  fieldErrors: { field: string; message: string }[];
  values: Record<string, string>;
}

/** Renders the page of `mode` again with the outcome (auth-pages.tsx does the markup). */
export type FormPage = (
  c: Context<AppEnv>,
  mode: "login" | "signup",
  outcome: FormOutcome,
) => Response | Promise<Response>;

const KEPT = ["email", "displayName", "invite"];

/** Mounts the form posts; `api` is the app serving `/api/auth/*` under its own root. */
export function authFormRoutes(deps: { api: Hono<AppEnv>; render: FormPage }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const mode of ["login", "signup"] as const) {
    app.post(`/${mode}`, async (c) => {
      if (!fromOurPage(c)) {
        return deps.render(c, mode, refused(403, "Sign in from CareFlow's own page.", {}));
      }
      const fields = await formFields(c);
      const answer = await postToApi(c, deps.api, `/${mode}`, fields);
      const values = Object.fromEntries(KEPT.filter((k) => fields[k]).map((k) => [k, fields[k]]));
      if (answer.ok) {
        const done = c.redirect("/dashboard", 303);
        for (const cookie of answer.headers.getSetCookie()) {
          done.headers.append("set-cookie", cookie);
        }
        return done;
      }
      const problem = await answer.json().catch(() => ({})) as {
        detail?: string;
        errors?: { field: string; message: string }[];
      };
      const retryAfter = answer.headers.get("retry-after");
      if (retryAfter) c.header("retry-after", retryAfter);
      return deps.render(
        c,
        mode,
        refused(
          answer.status,
          problem.detail ?? "Something went wrong. Please try again.",
          values,
          problem.errors,
        ),
      );
    });
  }
  return app;
}

function refused(
  status: number,
  message: string,
  values: Record<string, string>,
  fieldErrors: FormOutcome["fieldErrors"] = [],
): FormOutcome {
  return {
    status,
    message: fieldErrors.length > 0 ? "Please correct the highlighted fields." : message,
    fieldErrors,
    values,
  };
}
