import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { FirebaseLoginBody, LoginBody, SignupBody } from "../../../shared/api.ts";
import type { AppEnv } from "../../http/env.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import { FirebaseTokenError, type FirebaseVerifier } from "../../auth/firebase.ts";
import type { LoginThrottle } from "../../auth/login-throttle.ts";
import type { PasswordHasher } from "../../auth/passwords.ts";
import { SESSION_COOKIE, type SessionService } from "../../auth/sessions.ts";
import type { SignUp } from "../../auth/signup.ts";
import { StoreConflictError, type User, type UserStore } from "../../store/mod.ts";
import { userView } from "../../http/views.ts";

export interface AuthDeps {
  users: Pick<UserStore, "findUserByEmail" | "findUserByFirebaseUid" | "updateUser">;
  signUp: SignUp;
  passwords: PasswordHasher;
  sessions: SessionService;
  throttle: LoginThrottle;
  /** Present only in Firebase mode. */
  firebase?: FirebaseVerifier;
  /** Forces the Secure cookie flag (PUBLIC_URL is https). */
  secureCookies: boolean;
}

/** `/api/auth/*`: sign-up, login, logout and Firebase token exchange. */
export function authRoutes(deps: AuthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const startSession = async (c: Context<AppEnv>, user: User) => {
    const token = await deps.sessions.start(user.id);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: deps.secureCookies || new URL(c.req.url).protocol === "https:",
      maxAge: deps.sessions.ttlSeconds,
    });
    await deps.users.updateUser(user.id, { lastLoginAt: new Date() });
  };

  app.post("/signup", jsonBody(SignupBody), async (c) => {
    const body = c.req.valid("json");
    const passwordHash = await deps.passwords.hash(body.password);
    let user: User;
    try {
      user = await deps.signUp({
        email: body.email,
        displayName: body.displayName,
        passwordHash,
        firebaseUid: null,
      });
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw problem(409, "An account with this email already exists.", {
          errors: [{ field: "email", message: "is already registered" }],
        });
      }
      throw error;
    }
    await startSession(c, user);
    return c.json({ user: userView(user) }, 201);
  });

  app.post("/login", jsonBody(LoginBody), async (c) => {
    const body = c.req.valid("json");
    // Reserved before the (slow) password check: concurrent guesses cannot all pass the limit.
    const wait = await deps.throttle.reserve(body.email);
    if (wait > 0) {
      throw problem(
        429,
        `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} min.`,
        {},
        {
          "retry-after": String(wait),
        },
      );
    }
    const user = await deps.users.findUserByEmail(body.email);
    const ok = user?.passwordHash && user.isActive
      ? await deps.passwords.verify(user.passwordHash, body.password)
      : (await deps.passwords.verifyNothing(body.password), false);
    if (!ok || !user) {
      await deps.throttle.failed(body.email);
      throw problem(401, "The email or password is wrong.");
    }
    await deps.throttle.succeeded(body.email);
    await startSession(c, user);
    return c.json({ user: userView(user) });
  });

  app.post("/logout", async (c) => {
    const key = c.get("sessionKey");
    if (key) await deps.sessions.end(key);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

  const firebase = deps.firebase;
  if (!firebase) {
    app.post("/firebase", () => {
      throw problem(404, "Firebase sign-in is not enabled on this server.");
    });
    return app;
  }
  app.post(
    "/firebase",
    jsonBody(FirebaseLoginBody),
    async (c) => {
      const { idToken } = c.req.valid("json");
      let identity;
      try {
        identity = await firebase(idToken);
      } catch (error) {
        if (error instanceof FirebaseTokenError) {
          throw problem(401, `The Firebase ID token was refused: ${error.reason}.`);
        }
        throw error;
      }
      let user = await deps.users.findUserByFirebaseUid(identity.uid);
      if (!user) {
        if (await deps.users.findUserByEmail(identity.email)) {
          // Linking to an existing local account would let anyone who controls an unverified
          // Firebase email take it over; ask them to sign in with the password instead.
          throw problem(
            409,
            "This email already has a CareFlow account; sign in with its password.",
          );
        }
        user = await deps.signUp({
          email: identity.email,
          displayName: identity.name?.slice(0, 80) || identity.email.split("@")[0],
          passwordHash: null,
          firebaseUid: identity.uid,
        });
      }
      if (!user.isActive) throw problem(403, "This account is deactivated.");
      await startSession(c, user);
      return c.json({ user: userView(user) });
    },
  );

  return app;
}
