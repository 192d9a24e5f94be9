import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { JWTVerifyGetKey } from "jose";

/** What CareFlow takes from a verified Firebase ID token. */
export interface FirebaseIdentity {
  uid: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
}

export type FirebaseVerifier = (idToken: string) => Promise<FirebaseIdentity>;

/** A token that failed verification; `reason` is safe to show (it never echoes the token). */
export class FirebaseTokenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "FirebaseTokenError";
  }
}

/**
 * Verifies Firebase ID tokens as Google documents them: RS256 against the securetoken key set,
 * issuer `https://securetoken.google.com/<project>`, audience `<project>`, not expired, a
 * non-empty subject and an `auth_time` in the past. `keys` is injectable for tests.
 */
export function createFirebaseVerifier(
  projectId: string,
  jwksUrl: string,
  keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(jwksUrl)),
): FirebaseVerifier {
  return async (idToken) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(idToken, keys, {
        algorithms: ["RS256"],
        issuer: `https://securetoken.google.com/${projectId}`,
        audience: projectId,
        clockTolerance: 5,
      }));
    } catch (error) {
      throw new FirebaseTokenError(describe(error));
    }
    const authTime = payload.auth_time;
    if (typeof authTime !== "number" || authTime * 1000 > Date.now() + 5_000) {
      throw new FirebaseTokenError("auth_time is missing or in the future");
    }
    if (!payload.sub || payload.sub.length > 128) {
      throw new FirebaseTokenError("the token has no valid subject");
    }
    if (typeof payload.email !== "string") {
      throw new FirebaseTokenError("the account has no email address");
    }
    return {
      uid: payload.sub,
      email: payload.email,
      emailVerified: payload.email_verified === true,
      name: typeof payload.name === "string" ? payload.name : null,
    };
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} is invalid`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the signature is invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token was not signed by a known key";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token algorithm is not RS256";
  return "the token could not be verified";
}
