/**
 * `deno task dev`: rebuilds islands on every change and restarts the server when server code
 * changes. Starts CareFlow on its embedded defaults at http://localhost:8000.
 */
import { build, watch } from "../web/build/build.ts";

await build();
const context = await watch();
// A local .env (see .env.example) configures development without exporting variables.
const envFile = await Deno.stat(".env").then(() => ["--env-file=.env"], () => []);
const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    ...envFile,
    "--watch=web/,shared/",
    "--watch-exclude=web/static/build/",
    "web/main.ts",
  ],
  env: { CAREFLOW_DEV: "1" },
  stdout: "inherit",
  stderr: "inherit",
}).spawn();

const stop = async () => {
  server.kill("SIGTERM");
  await context.dispose();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
const status = await server.status;
await context.dispose();
Deno.exit(status.code);
