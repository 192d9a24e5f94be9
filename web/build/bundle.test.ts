/**
 * Product promises about what the browser downloads: the call engines' libraries (sip.js, the
 * Twilio Voice SDK) sit in chunks of their own, loaded only on demand, and no page loads them
 * up front, so a user without Twilio (or outside sip mode) never downloads them.
 */
import assert from "node:assert/strict";
import { analyzeBundle, gzippedSize, loadedUpFront, outputsWith, SDK_BUNDLE } from "./bundle.ts";

const outputs = await analyzeBundle();
const entries = [...outputs.keys()].filter((file) => /\/(boot|island-[A-Za-z]+)-/.test(file));

for (
  const [library, folder] of [["the Twilio Voice SDK", "@twilio/voice-sdk"], ["sip.js", "sip.js"]]
) {
  Deno.test(`${library} is in a chunk no page loads up front`, () => {
    const holding = outputsWith(outputs, folder);
    assert.equal(holding.length, 1, `${library} in exactly one output`);
    assert.ok(entries.length >= 8, `the boot module and every island (${entries.length})`);
    for (const entry of entries) {
      assert.ok(!loadedUpFront(outputs, entry).has(holding[0].file), `${entry} loads ${library}`);
    }
    const importers = [...outputs.values()].filter((o) =>
      o.dynamicImports.includes(holding[0].file)
    );
    assert.equal(importers.length, 1, "one dynamic import brings it in");
  });
}

Deno.test("the Twilio chunk is no bigger than the SDK's own minified bundle", async () => {
  const [chunk] = outputsWith(outputs, "@twilio/voice-sdk");
  const sdk = await Deno.readFile(SDK_BUNDLE);
  const sdkGzip = gzippedSize(sdk);
  assert.ok(chunk.gzipBytes < sdkGzip, `${chunk.gzipBytes} B gzipped vs the SDK's ${sdkGzip} B`);
});

Deno.test("no page's scripts, loaded up front or later, include zod", () => {
  // The browser checks the shapes it dispatches on and trusts our own server's answers; zod
  // (over 70 KB compressed) validates on the server, at every boundary.
  const withZod = new Set(outputsWith(outputs, "node_modules/.deno/zod@").map((o) => o.file));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const output = outputs.get(file);
    for (const next of [...(output?.staticImports ?? []), ...(output?.dynamicImports ?? [])]) {
      visit(next);
    }
  };
  for (const entry of entries) visit(entry);
  const reached = [...seen].filter((file) => withZod.has(file));
  assert.deepEqual(reached, [], "outputs with zod that a page can load");
});
