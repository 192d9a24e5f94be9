import type { UserView } from "../../shared/api.ts";
import type { User } from "../store/mod.ts";

/** What the API shows of a user: never the password hash or Firebase uid. */
export function userView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    care4wId: user.care4wId,
    role: user.role,
  };
}
