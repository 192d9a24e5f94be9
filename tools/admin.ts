/**
 * The operator's account tool, on the store the configuration names (the same environment as
 * web: `MONGODB_URI`, else the SQLite file in `DATA_DIR`):
 *
 * - `deno task admin invite <email>` prints an invitation link (sign-up is by invitation unless
 *   `SIGNUP=open`); it points at `PUBLIC_URL`, else at `HOST`:`PORT`.
 * - `deno task admin promote <email>` / `demote <email>` gives or takes the admin role on an
 *   existing account.
 *
 * The first admin: invite yourself, sign up with the link, promote yourself. After that, admins
 * invite and promote others in the app.
 */
import { Email } from "../shared/api.ts";
import { type Config, loadConfig } from "../web/config.ts";
import { createInvitations, invitationLink, OPERATOR } from "../web/auth/invitations.ts";
import { createSignUp } from "../web/auth/signup.ts";
import { openStore, type Store } from "../web/store/mod.ts";

const USAGE = "usage: deno task admin invite|promote|demote <email>";

/** Runs the tool; returns the exit code and prints what it did (through `print`). */
export async function runAdmin(
  args: string[],
  env = Deno.env.toObject(),
  print: (line: string) => void = console.log,
): Promise<number> {
  const [action, email] = args;
  if (!["invite", "promote", "demote"].includes(action) || !email) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  try {
    return action === "invite"
      ? await invite(store, config, email, print)
      : await setRole(store, email, action === "promote" ? "admin" : "user", print);
  } finally {
    await store.close();
  }
}

async function invite(store: Store, config: Config, email: string, print: (line: string) => void) {
  const parsed = Email.safeParse(email);
  if (!parsed.success) {
    console.error(`${email} is not an email address.`);
    return 2;
  }
  const invitations = createInvitations({
    store,
    signUp: createSignUp(store),
    days: config.signup.inviteDays,
    now: () => new Date(),
  });
  const result = await invitations.invite(parsed.data, OPERATOR);
  if (result.kind === "has-account") {
    console.error(`${parsed.data} already has an account: promote it, or sign in with it.`);
    return 1;
  }
  // A listening address of "any" is no address to open: the link then names this machine.
  const any = ["0.0.0.0", "::", "[::]"].includes(config.host);
  const host = any ? "localhost" : /^[^[].*:/.test(config.host) ? `[${config.host}]` : config.host;
  const base = config.publicUrl ?? `http://${host}:${config.port}`;
  const until = result.invitation.expiresAt.toISOString().slice(0, 16).replace("T", " ");
  print(`Invitation for ${result.invitation.email}, good until ${until} UTC (one sign-up):`);
  print(invitationLink(base, result.token));
  if (config.signup.mode === "open") print("(SIGNUP=open: anyone may sign up without one.)");
  return 0;
}

async function setRole(
  store: Store,
  email: string,
  role: "admin" | "user",
  print: (line: string) => void,
) {
  const user = await store.findUserByEmail(email);
  if (!user) {
    console.error(
      `No account has the email ${email}: invite it (deno task admin invite ${email}), ` +
        "sign up with the link, then run this again.",
    );
    return 1;
  }
  await store.updateUser(user.id, { role });
  print(`${user.care4wId} (${user.email}) is now ${role === "admin" ? "an admin" : "a user"}.`);
  return 0;
}

if (import.meta.main) Deno.exit(await runAdmin(Deno.args));
