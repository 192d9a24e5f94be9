/**
 * The whole provisioning chain on real processes: a user created through web's API gets a SIP
 * phone password from `/api/sip/credentials`, web pushes its HA1 to the agent, and Kamailio
 * (asking the agent) lets a SIPp phone register with it. Rotation and deactivation through web
 * reach Kamailio at once. Run with `deno test -A pbx`.
 */
import assert from "node:assert/strict";
import { runAdmin } from "../../tools/admin.ts";
import { eventually } from "../../testing/eventually.ts";
import { startStack } from "../../tools/stack/stack.ts";
import { describe, registeredAors, type SippCall, sippRunner } from "../testing/kit.ts";

const DOMAIN = "careflow.test";

/** A tiny browser-less web client keeping its session cookie. */
function webClient(base: string) {
  let cookie = "";
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", origin: base, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    cookie = response.headers.get("set-cookie")?.match(/cf_session=[^;]+/)?.[0] ?? cookie;
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  };
}

Deno.test("a SIP phone password from the web API registers; rotation and deactivation reach Kamailio", async () => {
  const stack = await startStack({
    sipDomain: DOMAIN,
    web: true,
  });
  const register = sippRunner(stack);
  try {
    const web = webClient(stack.urls.web!);
    const admin = webClient(stack.urls.web!);
    assert.equal(
      (await admin("POST", "/api/auth/signup", {
        email: "admin@example.org",
        password: "admin password 123",
        displayName: "Admin",
      })).status,
      201,
    );
    // The first admin is the operator's doing, on web's own store.
    const promoted = await runAdmin(["promote", "admin@example.org"], {
      DATA_DIR: `${stack.workDir}/web-data`,
    });
    assert.equal(promoted, 0);
    const signup = await web("POST", "/api/auth/signup", {
      email: "phone@example.org",
      password: "phone password 123",
      displayName: "Phone User",
    });
    assert.equal(signup.status, 201);
    const id: string = signup.json.user.care4wId;

    const first = await web("POST", "/api/sip/credentials");
    assert.equal(first.status, 200);
    assert.equal(first.json.username, id);
    const settings = await web("GET", "/api/sip/credentials");
    assert.equal(settings.json.password, undefined, "GET never shows the password");

    const phone = (password: string): SippCall[] => [{ user: id, authUser: id, password }];
    // Web pushes to the agent asynchronously: retried until it has arrived.
    await eventually(
      "the first password to register",
      async () => (await register("register-200.xml", phone(first.json.password))).code === 0,
    );
    assert.ok((await registeredAors(stack.rpc)).includes(id));

    const rotated = await web("POST", "/api/sip/credentials");
    assert.notEqual(rotated.json.password, first.json.password);
    await eventually(
      "the old password to be refused",
      async () => (await register("register-401.xml", phone(first.json.password))).code === 0,
    );
    const fresh = await register("register-200.xml", phone(rotated.json.password));
    assert.equal(fresh.code, 0, describe(fresh));

    const deactivated = await admin("POST", `/api/admin/users/${id}/deactivate`);
    assert.ok(deactivated.status < 300, JSON.stringify(deactivated.json));
    await eventually(
      "the deactivated user's registration to go",
      async () => !(await registeredAors(stack.rpc)).includes(id),
    );
    const refused = await register("register-401.xml", phone(rotated.json.password));
    assert.equal(refused.code, 0, describe(refused));
  } finally {
    await stack.stop();
  }
});
