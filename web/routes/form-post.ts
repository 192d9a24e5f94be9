/**
 * What the plain HTML forms (sign-in, sign-up, password reset) share: a form post counts only
 * from our own pages (login CSRF: browsers send Origin with every form post), its fields are
 * read as strings, and it is passed on as JSON to the API route that decides it, with the
 * request's cookies, user agent and forwarded address, and the client's connection (`c.env`)
 * for the per-address limits.
 */
import type { Context, Hono } from "hono";
import type { AppEnv } from "../http/env.ts";

const FORWARDED = ["cookie", "user-agent", "x-forwarded-for"];

/** Whether the post came from one of our own pages. */
export function fromOurPage(c: Context<AppEnv>): boolean {
  return c.req.header("origin") === new URL(c.req.url).origin ||
    c.req.header("sec-fetch-site") === "same-origin";
}

/** The form's text fields (files and anything else are left out). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/** POSTs `body` as JSON to `path` of `api` (an app mounted elsewhere), as this request. */
export function postToApi(
  c: Context<AppEnv>,
  api: Hono<AppEnv>,
  path: string,
  body: unknown,
): Promise<Response> {
  const headers = new Headers({ "content-type": "application/json" });
  const origin = c.req.header("origin");
  if (origin) headers.set("origin", origin);
  for (const name of FORWARDED) {
    const value = c.req.header(name);
    if (value) headers.set(name, value);
  }
  const request = new Request(new URL(path, c.req.url), {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return Promise.resolve(api.fetch(request, c.env));
}
