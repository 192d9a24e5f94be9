/** Value rules several configuration groups share. */
import { z } from "zod";

/** A 32-byte AES key in standard base64. */
export const aesKey = z.string().trim().transform((text, ctx) => {
  try {
    const bytes = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
    if (bytes.length === 32) return bytes;
  } catch { /* reported below */ }
  ctx.addIssue({ code: "custom", message: "must be 32 random bytes, base64 encoded" });
  return z.NEVER;
});

/** "true" / "false" (also 1/0, yes/no), for switches. */
export const flag = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((value) =>
  value === "true" || value === "1" || value === "yes"
);
