/**
 * The operator's account tool (`deno task admin promote <email>`, `deno task admin demote
 * <email>`): gives or takes the admin role on an existing account, in the store the configuration
 * names (the same environment as web: `MONGODB_URI`, else the SQLite file in `DATA_DIR`). This is
 * how the first admin is made; after that, admins promote others in the app.
 */
import { loadConfig } from "../web/config.ts";
import { openStore } from "../web/store/mod.ts";

const USAGE = "usage: deno task admin promote|demote <email>";

/** Runs the tool; returns the exit code and prints what it did. */
export async function runAdmin(args: string[], env = Deno.env.toObject()): Promise<number> {
  const [action, email] = args;
  if ((action !== "promote" && action !== "demote") || !email) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  try {
    const user = await store.findUserByEmail(email);
    if (!user) {
      console.error(`No account has the email ${email}: sign up first, then run this again.`);
      return 1;
    }
    const role = action === "promote" ? "admin" : "user";
    await store.updateUser(user.id, { role });
    console.log(
      `${user.care4wId} (${user.email}) is now ${role === "admin" ? "an admin" : "a user"}.`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

if (import.meta.main) Deno.exit(await runAdmin(Deno.args));
