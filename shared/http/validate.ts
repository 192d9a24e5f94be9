/**
 * Request validation with Hono's own `validator` and zod: handlers read `c.req.valid("json")` or
 * `c.req.valid("query")`, typed by the schema, and nothing runs on invalid input.
 */
import { validator } from "hono/validator";
import type { z } from "zod";
import { problem, validationProblem } from "./problem.ts";

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Validates a JSON body: wrong content type 415, unparsable JSON 400 (from Hono), schema failures
 * 400 listing each field.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return validator("json", (value, c): z.output<T> => {
    if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      throw problem(415, "Send the body as application/json.");
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationProblem(parsed.error, "body");
    return parsed.data;
  });
}

/** Validates the query string; a repeated parameter arrives as an array and fails a string rule. */
export function queryOf<T extends z.ZodType>(schema: T) {
  return validator("query", (value): z.output<T> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationProblem(parsed.error, "query");
    return parsed.data;
  });
}
