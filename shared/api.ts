import { z } from "zod";
import { CARE4W_ID_PATTERN } from "./care4w-id.ts";

/** Shown names: 1-80 visible characters, no control characters. */
export const DisplayName = z.string().trim().min(1, "is required").max(
  80,
  "is at most 80 characters",
)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

export const Email = z.string().trim().max(254).pipe(z.email("must be an email address"));

/** Local account passwords: at least 10 characters; the upper bound keeps hashing cheap to refuse. */
export const Password = z.string().min(10, "must be at least 10 characters")
  .max(512, "is at most 512 characters");

export const SignupBody = z.object({ email: Email, password: Password, displayName: DisplayName })
  .strict();
export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1, "is required").max(512),
}).strict();
export const FirebaseLoginBody = z.object({ idToken: z.string().min(20).max(8192) }).strict();

export const Care4wIdParam = z.string().regex(CARE4W_ID_PATTERN, "must look like care4w-1000001");
export const LookupQuery = z.object({ care4wId: Care4wIdParam });

/** The public view of a user, as the API returns it. */
export const UserView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  care4wId: z.string(),
  role: z.enum(["user", "admin"]),
});
export type UserView = z.infer<typeof UserView>;

export const LookupResponse = z.union([
  z.object({ exists: z.literal(true), displayName: z.string() }),
  z.object({ exists: z.literal(false) }),
]);
export type LookupResponse = z.infer<typeof LookupResponse>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/** `GET /api/token`: the seed's `{token, mode, care4wId}`, extended. */
export const TokenResponse = z.object({
  token: z.string().nullable(),
  mode: z.enum(["webrtc", "sip", "twilio"]),
  care4wId: z.string(),
  iceServers: z.array(IceServer),
});
export type TokenResponse = z.infer<typeof TokenResponse>;
