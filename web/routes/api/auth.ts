import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { FirebaseLoginBody, LoginBody, SignupBody } from "../../../shared/api.ts";
import type { AppEnv } from "../../http/env.ts";
import { problem } from "../../../shared/http/problem.ts";
import { jsonBody } from "../../../shared/http/validate.ts";
import { FirebaseTokenError, type FirebaseVerifier } from "../../auth/firebase.ts";
import type { LoginThrottle } from "../../auth/login-throttle.ts";
import type { PasswordHasher } from "../../auth/passwords.ts";
import { type HashQueue, HashQueueFull } from "../../auth/hash-queue.ts";
import { DEVICE_COOKIE, type KnownDevices } from "../../auth/known-devices.ts";
import { type LoginOutcome, passwordLogin } from "../../auth/password-login.ts";
import { perAddressPerMinute } from "../../middleware/rate-limit.ts";
import { SESSION_COOKIE, type SessionService } from "../../auth/sessions.ts";
import type { SignUp } from "../../auth/signup.ts";
import { INVALID_INVITATION, type Invitations } from "../../auth/invitations.ts";
import { StoreConflictError, type User, type UserStore } from "../../store/mod.ts";
import { userView } from "../../http/views.ts";

export interface AuthDeps {
  users: Pick<UserStore, "findUserByEmail" | "findUserByFirebaseUid" | "updateUser">;
  signUp: SignUp;
  /**
   * Present when sign-up is by invitation only (`SIGNUP=invite`): a sign-up then needs a link's
   * token, and a taken email is never named.
   */
  invitations?: Pick<Invitations, "admits" | "redeem">;
  passwords: PasswordHasher;
  /** Where every hash waits for a slot (bounded, prioritised). */
  hashQueue: HashQueue;
  devices: KnownDevices;
  sessions: SessionService;
  throttle: LoginThrottle;
  /** Sign-in attempts per client address, counted before anything is hashed. */
  loginLimit: { perSourcePerMinute: number; trustedProxies: readonly string[] };
  /** Present only in Firebase mode. */
  firebase?: FirebaseVerifier;
  /** Forces the Secure cookie flag (PUBLIC_URL is https). */
  secureCookies: boolean;
}

/** `/api/auth/*`: sign-up, login, logout and Firebase token exchange. */
export function authRoutes(deps: AuthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const secure = (c: Context<AppEnv>) =>
    deps.secureCookies || new URL(c.req.url).protocol === "https:";
  const login = passwordLogin(deps);

  const startSession = async (c: Context<AppEnv>, user: User) => {
    const token = await deps.sessions.start(user.id);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: secure(c),
      maxAge: deps.sessions.ttlSeconds,
    });
    await deps.users.updateUser(user.id, { lastLoginAt: new Date() });
  };

  app.post("/signup", jsonBody(SignupBody), async (c) => {
    const body = c.req.valid("json");
    const invitations = deps.invitations;
    // Before any hashing and before any user is looked up: every refusal is this one answer,
    // whether or not the email has an account.
    if (invitations && !await invitations.admits(body.invite, body.email)) {
      throw problem(403, INVALID_INVITATION);
    }
    const hash = () => deps.passwords.hash(body.password);
    const passwordHash = await deps.hashQueue.run("account", hash).catch((error) => {
      throw error instanceof HashQueueFull ? busy() : error;
    });
    const account = {
      email: body.email,
      displayName: body.displayName,
      passwordHash,
      firebaseUid: null,
    };
    let user: User;
    if (invitations) {
      const redeemed = await invitations.redeem(body.invite!, account);
      if (!redeemed) throw problem(403, INVALID_INVITATION);
      user = redeemed;
    } else {
      user = await openSignUp(deps.signUp, account);
    }
    await startSession(c, user);
    return c.json({ user: userView(user) }, 201);
  });

  const { perSourcePerMinute, trustedProxies } = deps.loginLimit;
  // Per client address, before the body is even read: a flood from one place never hashes.
  const perSource = perAddressPerMinute(
    perSourcePerMinute,
    trustedProxies,
    "Too many sign-in attempts from this address. Try again in a minute.",
  );
  app.post("/login", perSource, jsonBody(LoginBody), async (c) => {
    const body = c.req.valid("json");
    const outcome = await login({
      email: body.email,
      password: body.password,
      deviceCookie: getCookie(c, DEVICE_COOKIE),
    });
    if (outcome.kind !== "signed-in") throw refusal(outcome);
    // The session's cookie first: scripts that read the first Set-Cookie get what they expect.
    await startSession(c, outcome.user);
    setCookie(c, DEVICE_COOKIE, outcome.deviceCookie, {
      httpOnly: true,
      sameSite: "Strict",
      // Sent to the API and to the plain forms (/login) alike.
      path: "/",
      secure: secure(c),
      maxAge: deps.devices.maxAgeSeconds,
    });
    return c.json({ user: userView(outcome.user) });
  });

  app.post("/logout", async (c) => {
    const key = c.get("sessionKey");
    if (key) await deps.sessions.end(key);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

  firebaseRoute(app, deps, startSession);
  return app;
}

/** `POST /firebase`: a Firebase ID token for our session (404 unless in Firebase mode). */
function firebaseRoute(
  app: Hono<AppEnv>,
  deps: AuthDeps,
  startSession: (c: Context<AppEnv>, user: User) => Promise<void>,
) {
  const firebase = deps.firebase;
  if (!firebase) {
    app.post("/firebase", () => {
      throw problem(404, "Firebase sign-in is not enabled on this server.");
    });
    return;
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
}

/**
 * `SIGNUP=open`: anyone may make an account, and a taken email is said so, which tells anyone
 * who has an account (why invitations are the default).
 */
async function openSignUp(signUp: SignUp, account: Parameters<SignUp>[0]): Promise<User> {
  try {
    return await signUp(account);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw problem(409, "An account with this email already exists.", {
        errors: [{ field: "email", message: "is already registered" }],
      });
    }
    throw error;
  }
}

/** The problem for a sign-in that did not sign in. */
function refusal(outcome: Exclude<LoginOutcome, { kind: "signed-in" }>) {
  if (outcome.kind === "busy") return busy();
  if (outcome.kind === "wrong") return problem(401, "The email or password is wrong.");
  const wait = outcome.retryAfterSeconds;
  const when = wait < 90 ? `${wait} s` : `${Math.ceil(wait / 60)} min`;
  return problem(429, `Too many failed sign-ins. Try again in ${when}.`, {}, {
    "retry-after": String(wait),
  });
}

/** Every password-check slot is taken and the queue is full: come back in a moment. */
function busy() {
  return problem(503, "Sign-in is very busy right now. Try again in a few seconds.", {}, {
    "retry-after": "5",
  });
}
