/**
 * `/reset-password?token=`: the page an admin's reset link opens, and `POST /reset-password`,
 * its plain HTML form (no script: it works with JavaScript off). The post is a thin adapter over
 * `POST /api/auth/password-reset` (the one place a reset is decided, with its limits), as the
 * sign-in forms are over theirs (auth-forms.ts): a success shows "sign in with your new password",
 * a refusal the page again with the API's words. The password is never shown back.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { h } from "preact";
import type { ManifestSource } from "../build/manifest.ts";
import { INVALID_RESET } from "../auth/password-reset.ts";
import { PublicLayout } from "../components/PublicLayout.tsx";
import type { AppEnv } from "../http/env.ts";
import { renderPage } from "../render/page.ts";
import { formFields, fromOurPage, postToApi } from "./form-post.ts";

/** What the page shows: the form (with the server's words after a refusal), or an outcome. */
type View =
  | { kind: "form"; token: string; message?: string; errors?: Record<string, string> }
  | { kind: "invalid" }
  | { kind: "done" };

/** The form's fields, for field errors the API names. */
const LABELS = {
  newPassword: "New password (10 characters or more)",
  confirm: "New password again",
};

/** The reset page and its form post; `api` serves `POST /` as `/api/auth/password-reset`. */
export function resetPasswordRoutes(deps: {
  api: Hono<AppEnv>;
  manifest: ManifestSource;
  /** Whether a token would reset a password now (the page shows no form for a dead link). */
  admits: (token: string) => Promise<boolean>;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const show = (c: Context<AppEnv>, view: View, status = 200) => {
    c.header("cache-control", "no-store");
    c.status(status as ContentfulStatusCode);
    return c.html(renderPage({
      title: "Choose a new password",
      body: h(ResetPasswordPage, { view }),
      nonce: c.get("nonce"),
      manifest: deps.manifest(),
    }));
  };

  app.get("/reset-password", async (c) => {
    const token = c.req.query("token") ?? "";
    const good = token.length > 0 && token.length <= 256 && await deps.admits(token);
    return good ? show(c, { kind: "form", token }) : show(c, { kind: "invalid" }, 403);
  });

  app.post("/reset-password", async (c) => {
    // A form from another site must not set anyone's password: browsers send Origin with every
    // form post.
    if (!fromOurPage(c)) return show(c, { kind: "invalid" }, 403);
    const form = await formFields(c);
    const field = (name: string) => form[name] ?? "";
    const token = field("token");
    if (field("newPassword") !== field("confirm")) {
      return show(c, {
        kind: "form",
        token,
        message: "Please correct the highlighted fields.",
        errors: { confirm: "must be the same password" },
      }, 400);
    }
    const answer = await postToApi(c, deps.api, "/", { token, newPassword: field("newPassword") });
    if (answer.ok) return show(c, { kind: "done" });
    if (answer.status === 403) return show(c, { kind: "invalid" }, 403);
    const problem = await answer.json().catch(() => ({})) as {
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    const retryAfter = answer.headers.get("retry-after");
    if (retryAfter) c.header("retry-after", retryAfter);
    const errors = Object.fromEntries(
      (problem.errors ?? []).filter((e) => e.field in LABELS).map((e) => [e.field, e.message]),
    );
    return show(c, {
      kind: "form",
      token,
      message: Object.keys(errors).length > 0
        ? "Please correct the highlighted fields."
        : problem.detail ?? "Something went wrong. Please try again.",
      errors,
    }, answer.status);
  });
  return app;
}

/** The page: the form, "this link is not valid", or "sign in with your new password". */
function ResetPasswordPage(props: { view: View }) {
  const { view } = props;
  return (
    <PublicLayout>
      <section class="narrow">
        <h1>Choose a new password</h1>
        {view.kind === "invalid" && (
          <p class="card" role="status" data-testid="reset-invalid">{INVALID_RESET}</p>
        )}
        {view.kind === "done" && (
          <p class="card" role="status" data-testid="reset-done">
            Your password is changed and every device that was signed in is signed out.{" "}
            <a href="/login">Sign in</a> with your new password.
          </p>
        )}
        {view.kind === "form" && <ResetForm view={view} />}
      </section>
    </PublicLayout>
  );
}

function ResetForm(props: { view: Extract<View, { kind: "form" }> }) {
  const { token, message, errors = {} } = props.view;
  return (
    <form class="card form" method="post" action="/reset-password">
      <p class="hint">Your administrator made this link for you. It works once.</p>
      <input type="hidden" name="token" value={token} />
      {(["newPassword", "confirm"] as const).map((name) => (
        <div class="field">
          <label for={`r-${name}`}>{LABELS[name]}</label>
          <input
            id={`r-${name}`}
            name={name}
            type="password"
            autocomplete="new-password"
            required
            minLength={10}
            maxLength={512}
            aria-invalid={errors[name] ? "true" : undefined}
            aria-describedby={errors[name] ? `r-${name}-error` : undefined}
          />
          {errors[name] && <p class="field-error" id={`r-${name}-error`}>{errors[name]}</p>}
        </div>
      ))}
      {message && <p class="form-error" role="alert">{message}</p>}
      <button type="submit" class="button">Set the new password</button>
    </form>
  );
}
