/**
 * Sign-up, the one way an account comes to exist (local password or Firebase): the account is
 * created with its CareFlow ID, always as a user. Nobody becomes an admin by signing up with an
 * address (addresses are not verified): the first admin is made by the operator
 * (`deno task admin promote <email>`), and admins promote others (`/api/admin`). A local
 * sign-up also needs an invitation unless `SIGNUP=open` (invitations.ts); Firebase sign-in does
 * not, as Firebase owns its users.
 */
import type { NewUser, User, UserStore } from "../store/mod.ts";

/** Creates an account; rejects with `StoreConflictError` when the email or uid is taken. */
export type SignUp = (input: Omit<NewUser, "role">) => Promise<User>;

/** The sign-up step over the user store. */
export function createSignUp(users: Pick<UserStore, "createUser">): SignUp {
  return (input) => users.createUser({ ...input, role: "user" });
}
