import assert from "node:assert/strict";
import { createSecretBox, SecretBoxError } from "./secret-box.ts";

const KEY = crypto.getRandomValues(new Uint8Array(32));

Deno.test("a sealed secret opens again and never contains the plaintext", async () => {
  const box = createSecretBox(KEY);
  const sealed = await box.seal("correct horse battery staple", "user-1");
  assert.match(sealed, /^v1\.[A-Za-z0-9+/=]{16}\.[A-Za-z0-9+/=]+$/);
  assert.ok(!sealed.includes("horse"));
  assert.equal(await box.open(sealed, "user-1"), "correct horse battery staple");
});

Deno.test("each seal uses a fresh IV", async () => {
  const box = createSecretBox(KEY);
  const a = await box.seal("same", "u");
  const b = await box.seal("same", "u");
  assert.notEqual(a, b);
  assert.notEqual(a.split(".")[1], b.split(".")[1]);
});

Deno.test("another key, another context, tampering or a foreign format are refused", async () => {
  const box = createSecretBox(KEY);
  const sealed = await box.seal("secret", "user-1");
  const other = createSecretBox(crypto.getRandomValues(new Uint8Array(32)));
  await assert.rejects(() => other.open(sealed, "user-1"), SecretBoxError);
  await assert.rejects(() => box.open(sealed, "user-2"), SecretBoxError);
  const [v, iv, data] = sealed.split(".");
  const flipped = data[0] === "A" ? "B" + data.slice(1) : "A" + data.slice(1);
  await assert.rejects(() => box.open(`${v}.${iv}.${flipped}`, "user-1"), SecretBoxError);
  await assert.rejects(() => box.open(`v2.${iv}.${data}`, "user-1"), SecretBoxError);
  await assert.rejects(() => box.open("plaintext", "user-1"), SecretBoxError);
  assert.throws(() => createSecretBox(new Uint8Array(16)), RangeError);
});
