/**
 * `deno task stack`'s options (issue 13, "Also"): the logs can be kept after the stack stops, and
 * web's data lives in `DATA_DIR` when one is given, so accounts survive a restart of the stack.
 */
import assert from "node:assert/strict";
import { startStack } from "./stack.ts";

Deno.test({
  name: "kept logs stay after stop; web's data goes to the given DATA_DIR",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "careflow-stack-data-" });
    const stack = await startStack({
      web: true,
      keepLogs: true,
      webDataDir: dataDir,
      skip: { rtpengine: true, kamailio: true },
    });
    try {
      const signup = await fetch(`${stack.urls.web}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "ann@example.org",
          password: "correct horse battery",
          displayName: "Ann",
        }),
      });
      assert.equal(signup.status, 201);
      await signup.body?.cancel();
    } finally {
      await stack.stop();
    }
    try {
      assert.ok((await Deno.stat(`${stack.workDir}/agent.log`)).isFile, "the logs were kept");
      assert.ok((await Deno.stat(`${dataDir}/careflow.sqlite`)).isFile, "web wrote to DATA_DIR");
    } finally {
      await Deno.remove(stack.workDir, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
