import type { User } from "../store/mod.ts";

/** Per-request values set by middleware; typed for every handler through Hono's generics. */
export interface AppEnv {
  Variables: {
    requestId: string;
    nonce: string;
    /** The signed-in user, or null. Set by the session middleware. */
    user: User | null;
    /** Store key of the current session, or null. */
    sessionKey: string | null;
  };
}
