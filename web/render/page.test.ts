import assert from "node:assert/strict";
import { h } from "preact";
import { defineIsland, PrimaryContent } from "./island.ts";
import { renderPage } from "./page.ts";

const Counter = defineIsland("Counter", (props: { start: number }) => h("b", null, props.start));
const manifest = { boot: "/b.js", styles: "/s.css", islands: { Counter: "/c.js" } };

Deno.test("island ids restart for every request", () => {
  const body = h("div", null, h(Counter, { start: 1 }), h(Counter, { start: 2 }));
  const first = renderPage({ title: "x", body, nonce: "n1", manifest });
  const second = renderPage({ title: "x", body, nonce: "n2", manifest });
  assert.match(first, /data-id="0".*data-id="1"/);
  // The nonce is the only difference (on the script and its preload links).
  assert.equal(first.replaceAll(`nonce="n1"`, `nonce="n2"`), second);
});

Deno.test("an island inside an island renders as part of its parent", () => {
  const Outer = defineIsland("Counter", () => h(Counter, { start: 3 }));
  const html = renderPage({ title: "x", body: h(Outer, {}), nonce: "n", manifest });
  assert.equal(html.match(/<cf-island/g)?.length, 1);
});

Deno.test("an island missing from the manifest fails loudly instead of shipping a dead page", () => {
  const Unknown = defineIsland("Unknown", () => h("i", null));
  assert.throws(
    () => renderPage({ title: "x", body: h(Unknown, {}), nonce: "n", manifest }),
    /Unknown is missing/,
  );
});

Deno.test("the main content's islands are preloaded before the rest of the page's", () => {
  const Header = defineIsland("Header", () => h("i", null));
  const islands = { ...manifest.islands, Header: "/h.js" };
  const imports = { "/h.js": ["/shared.js"], "/c.js": ["/shared.js", "/dial.js"] };
  const body = h(
    "div",
    null,
    h(Header, {}),
    h("main", null, h(PrimaryContent.Provider, { value: true }, h(Counter, { start: 1 }))),
  );
  const html = renderPage({
    title: "x",
    body,
    nonce: "n",
    manifest: { ...manifest, islands, imports },
  });
  const preloaded = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(preloaded, ["/b.js", "/c.js", "/shared.js", "/dial.js", "/h.js"]);
  // The page still hydrates in document order.
  assert.match(html, /"name":"Header".*"name":"Counter"/);
});
