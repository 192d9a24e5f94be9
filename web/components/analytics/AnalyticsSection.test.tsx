import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { findSection } from "../../routes/sections.tsx";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { call } from "../../store/testing/calls.ts";

/** The Analytics section as the dashboard renders it, over a real store with two calls. */
async function rendered(query: Record<string, string>, role: "user" | "admin" = "user") {
  const store = openSqliteStore(":memory:");
  try {
    const user = await store.createUser({
      email: "ann@example.test",
      displayName: "Ann",
      passwordHash: null,
      firebaseUid: null,
    });
    const me: [string, string, string] = [user.id, user.care4wId, "Ann"];
    const bob: [string, string, string] = ["u-bob", "care4w-1000099", "Bob <b>"];
    await store.insertCall(call("a1", me, bob, 0));
    await store.insertCall(call("a2", bob, me, 90, { status: "missed", durationSeconds: 0 }));
    const section = findSection("analytics")!;
    const vnode = await section.load!({ user: { ...user, role }, query }, { analytics: store });
    return renderToString(vnode);
  } finally {
    await store.close();
  }
}

Deno.test("analytics section: SVG charts with titles and data tables, no script", async () => {
  const html = await rendered({ from: "2026-03-01", to: "2026-03-07", tz: "Europe/London" });
  assert.equal((html.match(/<svg /g) ?? []).length, 3);
  assert.match(html, /viewBox="0 0 360 \d+" width="100%" role="img"/);
  for (const id of ["daily", "heatmap", "outcomes"]) {
    assert.match(html, new RegExp(`aria-labelledby="${id}-svg-title ${id}-svg-desc"`));
    assert.match(html, new RegExp(`<title id="${id}-svg-title">`));
  }
  assert.equal((html.match(/<details>/g) ?? []).length, 3);
  assert.match(
    html,
    /<th scope="row">2026-03-01<\/th><td>2<\/td><td>1<\/td><td>1<\/td><td>1<\/td>/,
  );
  assert.match(html, /<form method="get" action="\/dashboard\/analytics"/);
  assert.match(html, /<dt>Calls<\/dt><dd>2<\/dd>/);
  assert.match(html, /Bob &lt;b>/, "names are escaped");
  assert.match(
    html,
    /href="\/api\/analytics\/export.csv\?from=2026-03-01&amp;to=2026-03-07&amp;tz=Europe%2FLondon"/,
  );
  assert.doesNotMatch(html, /<script/);
  assert.doesNotMatch(html, /name="scope"/, "the organisation is offered to admins only");
});

Deno.test("analytics section: a bad period is shown back with its errors", async () => {
  const html = await rendered({ from: "2026-02-30", to: "2026-03-07" });
  assert.match(html, /is not a real date/);
  assert.match(html, /value="2026-02-30"/);
  assert.doesNotMatch(html, /<svg /);
  const reversed = await rendered({ from: "2026-03-09", to: "2026-03-07" }, "admin");
  assert.match(reversed, /must not be after to/);
  assert.match(reversed, /name="scope"/);
});

Deno.test("analytics section: without a store it says so, rather than showing zeros", () => {
  const html = renderToString(findSection("analytics")!.render({
    user: { role: "user" } as never,
  }));
  assert.match(html, /cannot be shown right now/);
  assert.doesNotMatch(html, /<svg /);
});
