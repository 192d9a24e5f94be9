/**
 * Call states are told apart by colour as well as by icon and words, and every colour used for
 * them meets WCAG 2.2 AA: 4.5:1 as text (which also covers 3:1 for the icons and the end card's
 * edge, drawn in the same colour) against the card and the page background. Parsed from the
 * stylesheets themselves, so a colour changed to a low-contrast one fails here. An ordinary
 * ending is neutral (grey), a failure red.
 */
import assert from "node:assert/strict";

const read = (name: string) => Deno.readTextFileSync(new URL(name, import.meta.url));

/** Every `--name: value` declaration in the stylesheets (later ones win, as in the cascade). */
function customProperties(css: string): Map<string, string> {
  const found = new Map<string, string>();
  for (
    const match of css.replaceAll(/\/\*[\s\S]*?\*\//g, "").matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)
  ) {
    found.set(match[1], match[2].trim());
  }
  return found;
}

/** A property's value with `var(--x)` references followed to a colour. */
function resolve(properties: Map<string, string>, name: string, depth = 0): string {
  const value = properties.get(name);
  assert.ok(value, `${name} is defined`);
  const reference = /^var\((--[\w-]+)\)$/.exec(value);
  assert.ok(depth < 10, `${name} refers in a loop`);
  return reference ? resolve(properties, reference[1], depth + 1) : value;
}

/** sRGB channels 0-255 of `#rgb` or `#rrggbb`. */
function rgb(hex: string): [number, number, number] {
  assert.match(hex, /^#([0-9a-f]{3}|[0-9a-f]{6})$/i, `a hex colour: ${hex}`);
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join("") : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2.2 relative luminance. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 … 21). */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const properties = customProperties(read("base.css") + read("calls.css"));
const STATES = [
  "ringing",
  "connecting",
  "connected",
  "held",
  "remote-held",
  "muted",
  "reconnecting",
  "ended",
  "failed",
];

Deno.test("the contrast formula gives WCAG's known values", () => {
  assert.equal(contrast("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrast("#777777", "#ffffff").toFixed(2), "4.48");
  assert.equal(contrast("#fff", "#fff"), 1);
});

Deno.test("every call state's colour meets 4.5:1 on the card and the page background", () => {
  for (const background of ["--card", "--bg"]) {
    const behind = resolve(properties, background);
    for (const state of STATES) {
      const colour = resolve(properties, `--state-${state}`);
      const ratio = contrast(colour, behind);
      assert.ok(ratio >= 4.5, `${state} ${colour} on ${background} ${behind}: ${ratio.toFixed(2)}`);
    }
  }
});

Deno.test("an ordinary ending is neutral and a failure red; each state has its class", () => {
  const [r, g, b] = rgb(resolve(properties, "--state-ended"));
  assert.ok(Math.max(r, g, b) - Math.min(r, g, b) < 48, "ended is a grey, not a colour");
  const [fr, fg, fb] = rgb(resolve(properties, "--state-failed"));
  assert.ok(fr > 2 * fg && fr > 2 * fb, "failed is red");
  const calls = read("calls.css");
  for (const state of STATES) {
    assert.match(calls, new RegExp(`\\.state-${state} \\{\\s*color: var\\(--state-${state}\\)`));
  }
});
