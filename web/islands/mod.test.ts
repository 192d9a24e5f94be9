import assert from "node:assert/strict";
import { islandEntries } from "../build/build.ts";
import * as islands from "./mod.ts";

Deno.test("the island registry names exactly the island files the build bundles", () => {
  const files = Object.keys(islandEntries()).map((entry) => entry.replace(/^island-/, "")).sort();
  assert.deepEqual(Object.keys(islands).sort(), files);
  for (const [name, island] of Object.entries(islands)) {
    assert.equal(
      island.displayName,
      `Island(${name})`,
      `${name} is registered under its file name`,
    );
  }
});
