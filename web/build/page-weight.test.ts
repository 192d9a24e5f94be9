/**
 * The dashboard's JavaScript budget (issue 14): what the dashboard page loads up front (the boot
 * module, every island the page renders, and everything those import statically; each output
 * gzipped at level 9 as `bundle.ts` measures) stays at or below 17.0 KB. Lazily imported chunks
 * (the call card, the engines, leaving a voicemail) do not count: they come after the dial pad
 * is usable. The islands are found by rendering the real dashboard page, so a new island on it
 * counts without anyone remembering to add it here.
 *
 * And the dial pad's file count: on a slow link each script file costs a round trip on one of the
 * browser's six connections, so the dial pad (boot module, Dialer, what they import) comes in a
 * handful of files (the chunk groups in build.ts), not one per shared module.
 */
import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { analyzeBundle, loadedUpFront } from "./bundle.ts";
import { IslandCollector, IslandCollectorContext } from "../render/island.ts";
import { DashboardPage } from "../routes/dashboard.tsx";
import { findSection } from "../routes/sections.tsx";
import type { User } from "../store/mod.ts";

const BUDGET_BYTES = 17.0 * 1024;

/** The islands the dashboard (its Dialer section) renders, by name. */
function dashboardIslands(): string[] {
  const user = {
    id: "u1",
    email: "ann@example.org",
    displayName: "Ann Carer",
    care4wId: "care4w-1000001",
    role: "user",
    passwordHash: "x",
  } as User;
  const collector = new IslandCollector();
  renderToString(
    h(
      IslandCollectorContext.Provider,
      { value: collector },
      h(DashboardPage, { user, section: findSection("")!, badges: new Map([["history", 2]]) }),
    ),
  );
  return [...new Set(collector.islands.map((island) => island.name))];
}

Deno.test("the dashboard loads at most 17.0 KB of JavaScript (gzipped) up front", async () => {
  const outputs = await analyzeBundle();
  const names = dashboardIslands();
  assert.ok(names.includes("Phone") && names.includes("Dialer"), `islands: ${names}`);
  const entries = [...outputs.keys()].filter((file) =>
    /\/boot-[A-Z0-9]+\.js$/.test(file) ||
    names.some((name) => new RegExp(`/island-${name}-[A-Z0-9]+\\.js$`).test(file))
  );
  assert.equal(entries.length, names.length + 1, "the boot module and each island's entry");
  const upFront = new Set<string>();
  for (const entry of entries) for (const file of loadedUpFront(outputs, entry)) upFront.add(file);
  const bytes = [...upFront].reduce((sum, file) => sum + (outputs.get(file)?.gzipBytes ?? 0), 0);
  const kb = (bytes / 1024).toFixed(2);
  console.log(`dashboard up front: ${kb} KB gzipped in ${upFront.size} files`);
  assert.ok(bytes <= BUDGET_BYTES, `${kb} KB gzipped up front; the budget is 17.0 KB`);
});

Deno.test("the dial pad needs at most 5 script files up front", async () => {
  const outputs = await analyzeBundle();
  const entries = [...outputs.keys()].filter((file) =>
    /\/(boot|island-Dialer)-[A-Z0-9]+\.js$/.test(file)
  );
  assert.equal(entries.length, 2, "the boot module and the Dialer's entry");
  const files = new Set(entries.flatMap((entry) => [...loadedUpFront(outputs, entry)]));
  const described = [...files].map((file) =>
    `${file.split("/").pop()}: ${outputs.get(file)?.inputs.join(", ")}`
  );
  assert.ok(
    files.size <= 5,
    `${files.size} files; a module shared by a new set of islands belongs in a chunk group ` +
      `(build.ts):\n${described.join("\n")}`,
  );
});
