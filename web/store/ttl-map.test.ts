import assert from "node:assert/strict";
import { createTtlMap, readThrough } from "./ttl-map.ts";

Deno.test("a read that began before a forget keeps nothing; the next read loads again", async () => {
  const map = createTtlMap<string>(1000, () => 0);
  let release!: (value: string) => void;
  const slow = readThrough(map, "ann", () => new Promise<string>((r) => (release = r)));
  map.delete("ann"); // a write through the cache, while the read is still out
  release("before the write");
  assert.equal(await slow, "before the write", "the reader itself gets what it read");
  let loads = 0;
  const next = await readThrough(map, "ann", () => Promise.resolve(`after ${++loads}`));
  assert.equal(next, "after 1", "loaded again, not the old value");
  assert.equal(await readThrough(map, "ann", () => Promise.resolve("unused")), "after 1");
});

Deno.test("entries last the TTL, and the map starts over past its size", () => {
  let now = 0;
  const map = createTtlMap<number>(1000, () => now, 2);
  map.set("a", 1);
  now = 999;
  assert.deepEqual(map.get("a"), { value: 1, at: 0 });
  now = 1000;
  assert.equal(map.get("a"), undefined);
  map.set("b", 2);
  map.set("c", 3);
  map.set("d", 4);
  assert.equal(map.get("b"), undefined, "cleared when full");
  assert.equal(map.get("d")?.value, 4);
});
