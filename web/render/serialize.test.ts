import assert from "node:assert/strict";
import { escapeHtml, jsonForScript } from "./serialize.ts";

Deno.test("JSON for a script element cannot close it, open a comment or split a line", () => {
  const value = { name: "</script><!-- \u2028 & >" };
  const text = jsonForScript(value);
  assert.doesNotMatch(text, /<|>|&|\u2028/);
  assert.deepEqual(JSON.parse(text), value);
});

Deno.test("HTML escaping covers text and attribute contexts", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
  );
});
