/**
 * Both argon2id implementations: each verifies what it hashed and refuses a wrong password or a
 * broken hash, and each verifies the other's hashes (accounts survive moving web to an edge host
 * and back).
 */
import assert from "node:assert/strict";
import { argon2Hasher, type HasherKind } from "./passwords.ts";

const KINDS: HasherKind[] = ["native", "wasm"];

for (const kind of KINDS) {
  Deno.test(`${kind} argon2id verifies its own hash, refuses a wrong one`, async () => {
    const hasher = argon2Hasher({ memoryCost: 4096 }, kind);
    const stored = await hasher.hash("correct horse battery");
    assert.match(stored, /^\$argon2id\$v=19\$m=4096,t=2,p=1\$/);
    assert.equal(await hasher.verify(stored, "correct horse battery"), true);
    assert.equal(await hasher.verify(stored, "correct horse batterY"), false);
    assert.equal(await hasher.verify("not a hash", "correct horse battery"), false);
    await hasher.verifyNothing("anything");
  });
}

Deno.test("each implementation verifies the other's hashes", async () => {
  const [native, wasm] = KINDS.map((kind) => argon2Hasher({ memoryCost: 4096 }, kind));
  assert.equal(await wasm.verify(await native.hash("made natively"), "made natively"), true);
  assert.equal(await native.verify(await wasm.hash("made in wasm"), "made in wasm"), true);
  // The production cost, once each way.
  const full = KINDS.map((kind) => argon2Hasher({}, kind));
  assert.equal(await full[1].verify(await full[0].hash("full cost"), "full cost"), true);
  assert.equal(await full[0].verify(await full[1].hash("full cost"), "full cost"), true);
});
