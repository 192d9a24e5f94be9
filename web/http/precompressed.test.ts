import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { acceptedEncodings, precompressedFiles } from "./precompressed.ts";

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "careflow-precompressed-" });
  await Deno.writeTextFile(`${dir}/app-ABC.js`, "plain");
  await Deno.writeTextFile(`${dir}/app-ABC.js.br`, "brotli");
  await Deno.writeTextFile(`${dir}/app-ABC.js.gz`, "gzip");
  await Deno.writeTextFile(`${dir}/only-plain.js`, "plain");
  const app = new Hono<AppEnv>();
  app.use("/b/*", precompressedFiles(new URL(`file://${dir}/`)));
  app.get("/b/*", (c) => c.text("fell through"));
  return { app, dir };
}

Deno.test("a build output goes as its brotli copy, else its gzip one, else falls through", async () => {
  const { app, dir } = await fixture();
  try {
    const get = async (path: string, encoding?: string) => {
      const response = await app.request(path, {
        headers: encoding === undefined ? {} : { "accept-encoding": encoding },
      });
      return [response.headers.get("content-encoding"), await response.text()];
    };
    assert.deepEqual(await get("/b/app-ABC.js", "gzip, deflate, br"), ["br", "brotli"]);
    assert.deepEqual(await get("/b/app-ABC.js", "gzip"), ["gzip", "gzip"]);
    assert.deepEqual(await get("/b/app-ABC.js", "br;q=0, gzip"), ["gzip", "gzip"]);
    assert.deepEqual(await get("/b/app-ABC.js"), [null, "fell through"]);
    assert.deepEqual(await get("/b/only-plain.js", "br"), [null, "fell through"]);
    // Not a build output's name: never looked for on disk.
    assert.deepEqual(await get("/b/..%2Fsecret.js", "br"), [null, "fell through"]);
    const head = await app.request("/b/app-ABC.js", {
      method: "HEAD",
      headers: { "accept-encoding": "br" },
    });
    assert.equal(head.headers.get("content-encoding"), "br");
    assert.equal(head.headers.get("vary"), "Accept-Encoding");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("accepted encodings: q=0 refuses one, case and spaces do not matter", () => {
  assert.deepEqual([...acceptedEncodings("GZIP , br;q=0, zstd;q=0.5")], ["gzip", "zstd"]);
  assert.deepEqual([...acceptedEncodings(undefined)], []);
});
