import type { Context } from "hono";
import type { z } from "zod";
import { problem, validationProblem } from "./problem.ts";

/**
 * Reads a JSON body and validates it: wrong content type → 415, unparsable JSON → 400,
 * schema failures → 400 listing each field. Nothing runs on invalid input.
 */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw problem(415, "Send the body as application/json.");
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw problem(400, "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationProblem(parsed.error, "body");
  return parsed.data;
}

/** Validates the query string against a schema of string fields. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw validationProblem(parsed.error, "query");
  return parsed.data;
}
