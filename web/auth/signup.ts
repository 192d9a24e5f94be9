/**
 * Sign-up, the one way an account comes to exist (local password or Firebase): the account is
 * created with its CareFlow ID, and an email listed in `ADMIN_EMAILS` gets the admin role.
 */
import type { NewUser, User, UserStore } from "../store/mod.ts";

/** Creates an account; rejects with `StoreConflictError` when the email or uid is taken. */
export type SignUp = (input: Omit<NewUser, "role">) => Promise<User>;

/** The sign-up step over the user store; `adminEmails` are compared without case. */
export function createSignUp(
  users: Pick<UserStore, "createUser">,
  adminEmails: readonly string[],
): SignUp {
  const admins = new Set(adminEmails.map((email) => email.trim().toLowerCase()));
  return (input) =>
    users.createUser({
      ...input,
      role: admins.has(input.email.trim().toLowerCase()) ? "admin" : "user",
    });
}
